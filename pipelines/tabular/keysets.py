"""Remembering which key values a table has already used, for unique and primary-key checks.

A uniqueness check has to remember every key it has seen. A Python ``set`` of one million
integers costs about 60 MB and grows with the table; record ids in municipal exports are
nearly always dense integers (1, 2, 3, ... or 2024000001, ...), so integer keys are kept in
a bitmap of 64 Ki-value blocks instead: five million dense ids fit into well under 1 MB.
Sparse integer keys (more blocks than ``max_blocks``) and every other kind of key fall back
to a plain ``set``.
"""

from __future__ import annotations

from typing import Hashable

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

    def add(self, key: Hashable) -> bool:
        """Remember ``key``; return True if it had been added before."""
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
