"""The attacks of issue 15 against a real `kommune serve` on 127.0.0.1, as figures.

    python -m benchmarks.serve_attacks --out build [--blob-mb 1000]

(`python -m benchmarks.run` builds the demo and runs it too, unless `--no-serve-attacks`.)

Starts the server on the build at `--out` (the code on PYTHONPATH decides which version is
measured), runs each attack once and prints what happened: status codes, how long it took, the
server's peak resident memory (VmHWM from /proc) after each memory attack, and the latency of a
static page and a Datasette page while 20 heavy queries run in parallel. Nothing is asserted:
the tests in tests/publish/server/test_attacks.py check the limits; this reports the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from benchmarks.portal import free_port

#: A query SQLite cannot finish within the 1 s limit: counting an endless recursive sequence.
HEAVY_SQL = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"


def sql_path(sql: str, suffix: str = ".json") -> str:
    return f"/daten/portal{suffix}?sql={quote(sql)}"


def blob_rows_sql(rows: int, value_bytes: int) -> str:
    """A result of `rows` values of `value_bytes` each: the many-rows-of-big-blobs attack."""
    return (
        f"with recursive c(x) as (select 1 union all select x + 1 from c limit {rows}) "
        f"select x, randomblob({value_bytes}) from c"
    )


class ServedPortal:
    """`kommune serve` as a child process, its output in a temporary file."""

    def __init__(
        self,
        out: Path,
        port: int | None = None,
        file_limit: int | None = None,
        memory_limit: int | None = None,
        workers: int = 1,
    ):
        """`file_limit` lowers the server's limit on open files (to reach it with few connections);
        `memory_limit` caps its address space in bytes, so a broken memory bound fails the
        server's allocations instead of the shared machine. Both limits hold per process, and
        the `workers` processes inherit them."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Outlives stop(): output() reads the log after the server has ended.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "kommune", "serve", "--out", str(out)),
                *("--port", str(self.port), "--workers", str(workers)),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: _limit(file_limit, memory_limit),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited early:\n{self.output()}")
            try:
                httpx.get(self.url + "/", timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("serve did not answer within 60 s")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def processes(self) -> list[int]:
        """The server's process and, with several workers, uvicorn's worker processes below it."""
        found, pending = [], [self.process.pid]
        while pending:
            pid = pending.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        return found

    def memory_mb(self, field: str = "VmHWM") -> float:
        """The resident memory now (VmRSS) or at its peak so far (VmHWM), in MB, of the server's
        largest process: every bound on memory holds per process."""
        sizes = []
        for pid in self.processes():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    sizes.append(int(line.split()[1]) / 1024)
        if not sizes:
            raise LookupError(field)
        return max(sizes)

    def reset_peak(self) -> None:
        """Start VmHWM afresh (Linux: writing 5 to clear_refs), so each attack's peak is its own."""
        for pid in self.processes():
            Path(f"/proc/{pid}/clear_refs").write_text("5")

    def open_files(self) -> int:
        """Open files of the server's process that holds most: the file limit is per process."""
        return max(len(os.listdir(f"/proc/{pid}/fd")) for pid in self.processes())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _limit(file_limit: int | None, memory_limit: int | None) -> None:
    if file_limit:
        resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))


def timed_get(url: str, client: httpx.Client | None = None, **kwargs) -> tuple[int, float, httpx.Response | None]:
    """Status (0 when the connection failed), seconds taken, the response. Pass a `client` to time
    the request alone: a new httpx client costs ~0.2 s of set-up."""
    started = time.perf_counter()
    try:
        response = (client or httpx).get(url, timeout=kwargs.pop("timeout", 60), **kwargs)
    except httpx.HTTPError:
        return 0, time.perf_counter() - started, None
    return response.status_code, time.perf_counter() - started, response


def poisoning(portal: ServedPortal, table_path: str) -> dict:
    """A no-cache request with a foreign Host, then an ordinary visitor's view of the page."""
    poisoned = httpx.get(
        portal.url + table_path, headers={"Host": "evil.example", "Cache-Control": "no-cache"}, timeout=30
    )
    visitor = httpx.get(portal.url + table_path, timeout=30)
    json_visitor = httpx.get(portal.url + table_path + ".json?_size=1", timeout=30)
    return {
        "attacker_status": poisoned.status_code,
        "evil_links_for_visitor": visitor.text.count("evil.example")
        + json_visitor.text.count("evil.example")
        + visitor.headers.get("link", "").count("evil.example"),
    }


def memory_attack(portal: ServedPortal, name: str, paths: list[str]) -> dict:
    """Send the requests in parallel; report statuses, seconds, the server's peak RSS after."""
    # One slot per request, each filled by its own thread before the slots are read.
    results: list[tuple[int, float, httpx.Response | None]] = [None] * len(paths)  # type: ignore[list-item]
    portal.reset_peak()

    def one(index: int, path: str) -> None:
        # Each its own client address (uvicorn trusts X-Forwarded-For from 127.0.0.1), as parallel attackers are.
        results[index] = timed_get(portal.url + path, timeout=120, headers={"X-Forwarded-For": f"10.1.0.{index + 1}"})

    threads = [threading.Thread(target=one, args=(i, p)) for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = results[0][2]
    return {
        "attack": name,
        "statuses": sorted({status for status, _, _ in results}),
        "seconds": round(max(seconds for _, seconds, _ in results), 2),
        "peak_rss_mb": round(portal.memory_mb("VmHWM")),
        "rss_after_mb": round(portal.memory_mb("VmRSS")),
        "message": _error_text(first),
    }


def _error_text(response: httpx.Response | None) -> str:
    if response is None or response.status_code == 200:
        return ""
    try:
        return str(response.json().get("error", ""))[:160]
    except ValueError:
        return response.text[:160]


def starvation(portal: ServedPortal, table_path: str, parallel: int = 20) -> dict:
    """`parallel` clients each send a query that runs into the time limit; meanwhile one visitor
    loads the start page and a Datasette table page again and again. Latencies are figures (median
    and worst of the samples), not assertions: the machine is shared."""
    statuses: list[int] = []
    started = threading.Event()
    # One client for all attackers, made beforehand: twenty new httpx clients cost ~4 s of CPU on this machine.
    attackers = httpx.Client(limits=httpx.Limits(max_connections=parallel))

    def heavy(client: int) -> None:
        started.set()
        status, _, _ = timed_get(
            portal.url + sql_path(HEAVY_SQL), attackers, headers={"X-Forwarded-For": f"10.0.0.{client}"}, timeout=120
        )
        statuses.append(status)

    visitor = httpx.Client()
    idle = [timed_get(portal.url + "/", visitor)[1] for _ in range(5)]
    idle_table = [
        timed_get(portal.url + table_path, visitor, headers={"Cache-Control": "no-cache"})[1] for _ in range(5)
    ]
    began = time.perf_counter()
    threads = [threading.Thread(target=heavy, args=(i + 1,)) for i in range(parallel)]
    for thread in threads:
        thread.start()
    started.wait()
    static, table = [], []
    while any(thread.is_alive() for thread in threads):
        static.append(timed_get(portal.url + "/", visitor)[1])
        table.append(timed_get(portal.url + table_path, visitor, headers={"Cache-Control": "no-cache"})[1])
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    visitor.close()
    attackers.close()
    return {
        "heavy_statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "heavy_total_seconds": round(time.perf_counter() - began, 2),
        "static_page_idle_median_s": round(statistics.median(idle), 3),
        "static_page_median_s": round(statistics.median(static), 3),
        "static_page_max_s": round(max(static), 3),
        "datasette_page_idle_median_s": round(statistics.median(idle_table), 3),
        "datasette_page_median_s": round(statistics.median(table), 3),
        "datasette_page_max_s": round(max(table), 3),
        "samples": len(static),
        "datasette_page_samples_s": [round(seconds, 2) for seconds in table],
    }


def slow_headers(out: Path, connections: int, wait_seconds: float, file_limit: int = 256) -> dict:
    """Open `connections` sockets that send half a request line and never finish their headers;
    after `wait_seconds` count how many the server still keeps open and time a real request.
    The server runs with `file_limit` open files, so the connections reach it."""
    portal = ServedPortal(out, file_limit=file_limit)
    try:
        return _slow_headers(portal, connections, wait_seconds)
    finally:
        portal.stop()


def _slow_headers(portal: ServedPortal, connections: int, wait_seconds: float) -> dict:
    sockets = []
    for _ in range(connections):
        try:
            client = socket.create_connection(("127.0.0.1", portal.port), timeout=5)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(client)
        except OSError:
            break
    opened_files = portal.open_files()
    during_status, during_seconds, _ = timed_get(portal.url + "/datensaetze/", timeout=30)
    time.sleep(wait_seconds)
    still_open = sum(not _closed_by_server(client) for client in sockets)
    status, seconds, _ = timed_get(portal.url + "/datensaetze/", timeout=30)
    for client in sockets:
        client.close()
    log = portal.output()
    return {
        "opened": len(sockets),
        "server_fds_while_open": opened_files,
        "still_open_after_s": still_open,
        "waited_s": wait_seconds,
        "legit_status_during": during_status,
        "legit_seconds_during": round(during_seconds, 3),
        "legit_status": status,
        "legit_seconds": round(seconds, 3),
        "too_many_open_files_lines": log.count("Too many open files"),
        "log_bytes": len(log.encode()),
    }


def _closed_by_server(client: socket.socket) -> bool:
    """Whether the server closed the connection (a 503 it wrote first is read past)."""
    client.setblocking(False)
    try:
        while client.recv(65536):
            pass
        return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def headers(portal: ServedPortal, table_path: str) -> dict:
    wanted = ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"]
    found = {}
    for path in ["/", table_path, "/gibt-es-nicht/", sql_path("select 1")]:
        response = httpx.get(portal.url + path, timeout=30)
        found[path] = [name for name in wanted if name in response.headers]
    return found


def smaller(portal: ServedPortal, table_path: str) -> dict:
    prefix_redirect = httpx.get(portal.url + "/daten/portal/", timeout=30)
    return {
        "/daten/portal/ -> Location": prefix_redirect.headers.get("location"),
        "?_sort=nope": httpx.get(portal.url + table_path + "?_sort=nope", timeout=30).status_code,
        **{
            path: httpx.get(portal.url + path, timeout=30).status_code
            for path in ["/daten/-/threads", "/daten/-/versions", "/daten/-/patterns", "/daten/-/allow-debug"]
        },
    }


def run(out: Path, blob_mb: int, table: str) -> dict:
    table_path = f"/daten/portal/{table}"
    portal = ServedPortal(out)
    figures: dict = {"baseline_rss_mb": None}
    try:
        httpx.get(portal.url + table_path, timeout=30)
        figures["baseline_rss_mb"] = round(portal.memory_mb("VmRSS"))
        figures["poisoning"] = poisoning(portal, table_path)
        figures["headers"] = headers(portal, table_path)
        figures["smaller"] = smaller(portal, table_path)
        size = blob_mb * 1_000_000
        figures["memory"] = [
            memory_attack(portal, f"randomblob({size})", [sql_path(f"select randomblob({size})")]),
            memory_attack(portal, f"4 × randomblob({size // 2})", [sql_path(f"select randomblob({size // 2})")] * 4),
            memory_attack(
                portal, f"printf('%.*c', {size // 3}, 'x')", [sql_path(f"select printf('%.*c', {size // 3}, 'x')")]
            ),
            memory_attack(portal, "300 rows × 1 MB blob", [sql_path(blob_rows_sql(300, 1_000_000))]),
            memory_attack(
                portal,
                "CSV of 300 rows × 1 MB, streamed",
                [sql_path(blob_rows_sql(300, 1_000_000).replace("randomblob", "zeroblob"), ".csv") + "&_stream=on"],
            ),
        ]
        figures["starvation"] = starvation(portal, table_path)
    finally:
        portal.stop()
    figures["slow_headers"] = slow_headers(out, connections=300, wait_seconds=15)
    return figures


def build_and_run(output: Path, blob_mb: int = 1000) -> dict:
    """Build the demo portal into `output`/serve-attacks and run the attacks on it (for run.py)."""
    out = output / "serve-attacks" / "build"
    subprocess.run(
        [sys.executable, "-m", "kommune", "build", "--out", str(out), "--quiet"],
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return run(out, blob_mb, "service_beschwerden")


def format_figures(figures: dict) -> str:
    """The figures as Markdown: one line per attack."""
    lines = [
        "| Angriff auf kommune serve | Ergebnis |",
        "|---|---|",
        f"| Host-Header + no-cache (Cache-Vergiftung) | {figures['poisoning']['evil_links_for_visitor']} "
        "fremde Links für spätere Besucher |",
    ]
    for attack in figures["memory"]:
        lines.append(
            f"| {attack['attack']} | HTTP {attack['statuses']}, {attack['seconds']} s, "
            f"Spitze {attack['peak_rss_mb']} MB RSS (Ruhe {figures['baseline_rss_mb']} MB) |"
        )
    starving = figures["starvation"]
    lines.append(
        f"| 20 parallele schwere Abfragen | {starving['heavy_statuses']} in {starving['heavy_total_seconds']} s; "
        f"Seite {starving['static_page_median_s']} s (max {starving['static_page_max_s']}), "
        f"Datasette-Tabelle {starving['datasette_page_median_s']} s (max {starving['datasette_page_max_s']}) |"
    )
    slow = figures["slow_headers"]
    lines.append(
        f"| {slow['opened']} langsame Header bei 256 Dateien | nach {slow['waited_s']} s noch "
        f"{slow['still_open_after_s']} offen, {slow['too_many_open_files_lines']}× 'Too many open files', "
        f"Log {slow['log_bytes']} B |"
    )
    lines.append(
        f"| Sicherheits-Header | {sum(len(found) == 4 for found in figures['headers'].values())} von "
        f"{len(figures['headers'])} Antworten mit allen vier |"
    )
    lines += [f"| {name} | {value} |" for name, value in figures["smaller"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="a build folder (kommune build --out …)")
    parser.add_argument("--blob-mb", type=int, default=1000, help="size of the single-blob attack (as in issue 15)")
    parser.add_argument("--table", default="service_beschwerden")
    args = parser.parse_args(argv)
    figures = run(args.out, args.blob_mb, args.table)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    print(format_figures(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
