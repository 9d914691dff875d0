"""Remembering which key values a table has already used, for unique and primary-key checks.

A uniqueness check has to remember every key it has seen. A Python ``set`` of one million
integers costs about 60 MB and grows with the table; record ids in municipal exports are
nearly always dense integers (1, 2, 3, ... or 2024000001, ...), so integer keys are kept in
a bitmap of 64 Ki-value blocks instead: five million dense ids fit into well under 1 MB.
Sparse integer keys (more blocks than ``max_blocks``) and every other kind of key fall back
to a plain ``set``. Most exports are even sorted by their id: while the keys arrive as
n, n+1, n+2, ... they are kept as one run ``[run_start, run_end)`` and the reader's hot loop
can prove a key new with one comparison against ``next_in_run()``.
"""

from __future__ import annotations

from collections.abc import Hashable

#: ``next_in_run()`` when the keys seen are not one unbroken run of integers.
NO_RUN = object()

_BLOCK_BITS = 16
_BLOCK_SIZE = 1 << _BLOCK_BITS
_BLOCK_MASK = _BLOCK_SIZE - 1


class SeenKeys:
    """A set of keys that answers "was this key seen before?" and remembers it.

    ``add(key)`` returns True when the key was already present. Integers (bools count as 0 and 1, as in a set) go into
    a bitmap while the table's integer keys stay dense enough; anything else goes into a set.
    Never raises for hashable keys; an unhashable key raises ``TypeError`` as a set would.
    """

    def __init__(self, max_blocks: int = 4096) -> None:
        self._blocks: dict[int, bytearray] = {}
        self._others: set[Hashable] = set()
        self._max_blocks = max_blocks
        self._bitmap_enabled = True
        self._run_start: int | None = None
        self._run_end = 0

    def next_in_run(self) -> object:
        """The key that would extend the unbroken run, or ``NO_RUN`` if keys are not one run."""
        if self._run_start is None or self._blocks or self._others:
            return NO_RUN
        return self._run_end

    def extend_run_to(self, next_key: object) -> None:
        """Record that the caller added every key up to ``next_key`` (exclusive) to the run."""
        if next_key is not NO_RUN:
            # The caller hands back what next_in_run() gave: an int whenever it is not NO_RUN.
            self._run_end = next_key  # type: ignore[assignment]

    def add(self, key: Hashable) -> bool:
        """Remember ``key``; return True if it had been added before."""
        if isinstance(key, int):
            if self._run_start is None:
                if not self._blocks and not self._others:
                    self._run_start, self._run_end = key, key + 1
                    return False
            elif self._run_start <= key < self._run_end:
                return True
            elif key == self._run_end and not self._stored(key):
                self._run_end += 1
                return False
        return self._add_stored(key)

    def _stored(self, key: int) -> bool:
        if self._bitmap_enabled:
            block = self._blocks.get(key >> _BLOCK_BITS)
            offset = key & _BLOCK_MASK
            return block is not None and bool(block[offset >> 3] & (1 << (offset & 7)))
        return key in self._others

    def _add_stored(self, key: Hashable) -> bool:
        if self._bitmap_enabled and isinstance(key, int):
            block_number = key >> _BLOCK_BITS
            block = self._blocks.get(block_number)
            if block is None:
                if len(self._blocks) >= self._max_blocks:
                    self._move_bitmap_into_set()
                    return self._add_to_set(key)
                block = self._blocks[block_number] = bytearray(_BLOCK_SIZE >> 3)
            offset = key & _BLOCK_MASK
            byte_index = offset >> 3
            bit = 1 << (offset & 7)
            if block[byte_index] & bit:
                return True
            block[byte_index] |= bit
            return False
        return self._add_to_set(key)

    def _add_to_set(self, key: Hashable) -> bool:
        if key in self._others:
            return True
        self._others.add(key)
        return False

    def _move_bitmap_into_set(self) -> None:
        # Sparse integer keys: a bitmap block per key would cost more than the set.
        for block_number, block in self._blocks.items():
            base = block_number << _BLOCK_BITS
            for byte_index, byte in enumerate(block):
                if byte:
                    for bit_number in range(8):
                        if byte & (1 << bit_number):
                            self._others.add(base + (byte_index << 3) + bit_number)
        self._blocks.clear()
        self._bitmap_enabled = False

    def shares_a_key_with(self, other: SeenKeys) -> bool:
        """True when some key is in both sets (keys read by two parts of one file)."""
        mine_blocks, mine_others = self._blocks_and_others()
        their_blocks, their_others = other._blocks_and_others()
        for number, block in mine_blocks.items():
            theirs = their_blocks.get(number)
            if theirs is not None and int.from_bytes(block, "little") & int.from_bytes(theirs, "little"):
                return True
        if mine_others & their_others:
            return True
        return any(_bit_set(their_blocks, key) for key in mine_others) or any(
            _bit_set(mine_blocks, key) for key in their_others
        )

    def _blocks_and_others(self) -> tuple[dict[int, bytearray], set[Hashable]]:
        """The keys as bitmap blocks plus a set, the run written into the blocks."""
        if self._run_start is None:
            return self._blocks, self._others
        blocks = {number: bytearray(block) for number, block in self._blocks.items()}
        others = set(self._others)
        if not self._bitmap_enabled:
            others.update(range(self._run_start, self._run_end))
            return blocks, others
        for key in _bit_boundaries(self._run_start, self._run_end):
            _set_bit(blocks, key)
        start, end = -(-self._run_start // 8) * 8, self._run_end // 8 * 8  # whole bytes inside the run
        if end <= start:
            return blocks, others
        for number in range(start >> _BLOCK_BITS, ((end - 1) >> _BLOCK_BITS) + 1):
            block = blocks.setdefault(number, bytearray(_BLOCK_SIZE >> 3))
            low = max(start, number << _BLOCK_BITS) & _BLOCK_MASK
            high = min(end - (number << _BLOCK_BITS), _BLOCK_SIZE)
            if high > low:
                block[low >> 3 : high >> 3] = b"\xff" * ((high - low) >> 3)
        return blocks, others


def _bit_boundaries(start: int, end: int) -> list[int]:
    """The keys of ``[start, end)`` that do not fill a whole byte of the bitmap."""
    first_whole, last_whole = -(-start // 8) * 8, end // 8 * 8
    if first_whole >= last_whole:
        return list(range(start, end))
    return list(range(start, first_whole)) + list(range(last_whole, end))


def _set_bit(blocks: dict[int, bytearray], key: int) -> None:
    block = blocks.setdefault(key >> _BLOCK_BITS, bytearray(_BLOCK_SIZE >> 3))
    offset = key & _BLOCK_MASK
    block[offset >> 3] |= 1 << (offset & 7)


def _bit_set(blocks: dict[int, bytearray], key: Hashable) -> bool:
    if not isinstance(key, int):
        return False
    block = blocks.get(key >> _BLOCK_BITS)
    offset = key & _BLOCK_MASK
    return block is not None and bool(block[offset >> 3] & (1 << (offset & 7)))
