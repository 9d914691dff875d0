"""The fair queue for visitors' own SQL, driven by real ASGI calls on a real event loop."""

from __future__ import annotations

import asyncio
import json

from publish.server.query_gate import (
    DEFAULT_SLOTS,
    QUEUE_FULL,
    RATE_LIMITED,
    WORKERS_ENV,
    QueryGate,
    gate_from_environment,
)
from tests.conftest import run_async


class _Answers:
    """Collects what the gate sent back for each request."""

    def __init__(self):
        self.status: dict[str, int] = {}
        self.body: dict[str, dict] = {}

    def send_for(self, name: str):
        async def send(message):
            if message["type"] == "http.response.start":
                self.status[name] = message["status"]
            elif message.get("body"):
                self.body[name] = json.loads(message["body"])

        return send


def _scope(client: str) -> dict:
    return {"type": "http", "path": "/daten/portal.json", "query_string": b"sql=select+1", "client": (client, 1)}


def _request(gate: QueryGate, order: list[str], answers: _Answers, client: str, name: str, seconds: float = 0.05):
    async def app(scope, receive, send):
        order.append(name)
        await asyncio.sleep(seconds)
        await send({"type": "http.response.start", "status": 200, "headers": []})

    return gate.serve(app, _scope(client), None, answers.send_for(name))


def test_waiting_clients_take_turns_instead_of_first_come_first_served():
    async def scenario():
        gate, order, answers = QueryGate(slots=1, max_waiting_per_client=3, burst=100), [], _Answers()
        greedy = [_request(gate, order, answers, "10.0.0.1", f"A{n}") for n in range(1, 5)]
        polite = _request(gate, order, answers, "10.0.0.2", "B1")
        tasks = [asyncio.ensure_future(request) for request in greedy]
        await asyncio.sleep(0.01)  # A1 runs, A2–A4 wait
        tasks.append(asyncio.ensure_future(polite))
        await asyncio.gather(*tasks)
        return order, gate

    order, gate = run_async(scenario())
    assert order == ["A1", "A2", "B1", "A3", "A4"]
    assert gate._running == 0 and not gate._waiting and not gate._active


def test_a_full_queue_refuses_at_once_in_german():
    async def scenario():
        gate, order, answers = QueryGate(slots=1, max_waiting=16, max_waiting_per_client=2, burst=100), [], _Answers()
        await asyncio.gather(*[_request(gate, order, answers, "10.0.0.1", f"A{n}") for n in range(1, 6)])
        return order, answers

    order, answers = run_async(scenario())
    assert order == ["A1", "A2", "A3"]
    assert answers.status == {"A1": 200, "A2": 200, "A3": 200, "A4": 503, "A5": 503}
    assert answers.body["A4"]["error"] == QUEUE_FULL


def test_waiting_too_long_ends_with_503_and_frees_the_place():
    async def scenario():
        gate, order, answers = QueryGate(slots=1, max_wait_s=0.05, burst=100), [], _Answers()
        await asyncio.gather(
            _request(gate, order, answers, "10.0.0.1", "slow", seconds=0.3),
            _request(gate, order, answers, "10.0.0.2", "waiting"),
        )
        await _request(gate, order, answers, "10.0.0.2", "later")
        return order, answers, gate

    order, answers, gate = run_async(scenario())
    assert answers.status == {"slow": 200, "waiting": 503, "later": 200}
    assert order == ["slow", "later"] and gate._running == 0


def test_the_rate_limit_counts_per_client():
    async def scenario():
        gate, order, answers = QueryGate(slots=4, burst=3, per_minute=6), [], _Answers()
        for n in range(4):
            await _request(gate, order, answers, "10.0.0.1", f"A{n}", seconds=0)
        await _request(gate, order, answers, "10.0.0.2", "B", seconds=0)
        return answers

    answers = run_async(scenario())
    assert [answers.status[f"A{n}"] for n in range(4)] == [200, 200, 200, 429]
    assert answers.body["A3"]["error"] == RATE_LIMITED and answers.status["B"] == 200


def test_only_requests_with_their_own_sql_pass_the_gate():
    assert QueryGate.applies_to({"query_string": b"sql=select+1&_shape=array"})
    assert QueryGate.applies_to({"query_string": b"_size=5&sql="})
    assert not QueryGate.applies_to({"query_string": b"_sort=name&_facet=kanal"})
    assert not QueryGate.applies_to({"query_string": b"sqlx=1"})


def test_the_sql_slots_are_shared_out_among_the_workers():
    """Each worker has its own gate: together they keep to half the cores, at least one each."""
    assert gate_from_environment({}).slots == DEFAULT_SLOTS
    assert gate_from_environment({WORKERS_ENV: "1"}).slots == DEFAULT_SLOTS
    for workers in (2, 3, 8, 64):
        slots = gate_from_environment({WORKERS_ENV: str(workers)}).slots
        assert slots >= 1
        assert slots * workers <= max(DEFAULT_SLOTS, workers)
    assert gate_from_environment({WORKERS_ENV: str(DEFAULT_SLOTS * 4)}).slots == 1


def test_a_big_machine_divides_its_slots(monkeypatch):
    """On 16 cores (8 slots) the workers share the 8; on this 2-core machine the test above
    cannot tell division from none."""
    from publish.server import query_gate

    monkeypatch.setattr(query_gate, "DEFAULT_SLOTS", 8)
    assert [query_gate.slots_per_worker(workers) for workers in (1, 2, 4, 8, 16)] == [8, 4, 2, 1, 1]
