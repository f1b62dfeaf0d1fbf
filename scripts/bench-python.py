#!/usr/bin/env python3
"""CPU per call and sessions per second against one emulator, in one run: the hypercheckout
binding (sync, 8 threads, asyncio at concurrency 32) and the identical POST /session made with
requests.Session, httpx.Client and aiohttp (plus threaded/async peers for context).
Also a stdlib http.client row as the floor (minimal client, same
thread), `import hypercheckout` time and writes the table to benchmarks/python.md.

Run it with the interpreter of a venv that has the release wheel and the peers installed:

    bash scripts/test-python.sh                         # builds + installs the release wheel
    target/python-test/venv/bin/pip install -c bindings/python/requirements-ci.txt \\
        requests httpx aiohttp
    cargo build --release -p hypercheckout-emulator
    target/python-test/venv/bin/python scripts/bench-python.py [--seconds 3] [--no-write]
    target/python-test/venv/bin/python scripts/bench-python.py --soak 100000   # leak soak
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

REPO = Path(__file__).resolve().parents[1]
MERCHANT_ID = "emulator_merchant"
API_KEY = "emulator_api_key"

import hypercheckout as hc  # noqa: E402


# --- emulator --------------------------------------------------------------------------------

class Emulator:
    def __init__(self, binary: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"http://\S+", line)
        if not match:
            raise SystemExit(f"emulator did not start: {line!r}")
        self.url = match.group(0).rstrip("/")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# --- the workload ------------------------------------------------------------------------------

def make_request() -> hc.SessionRequest:
    # One order id for the whole run: the emulator answers a repeated order (same amount)
    # with the same order and a fresh token, so every call is a full session creation.
    return hc.SessionRequest(
        order_id="bench-order-1",
        amount="100.00",
        customer_id="bench-customer",
        payment_page_client_id="bench_client",
        action=hc.Action.PAYMENT_PAGE,
        customer_email="test@mail.com",
        customer_phone="9876543210",
        first_name="John",
        last_name="Wick",
        description="Complete your payment",
        return_url="https://shop.merchant.com/return",
    )


REQUEST = make_request()
BODY = hc.session_request_to_json(REQUEST).encode()
HEADERS = {
    "authorization": "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode(),
    "x-merchantid": MERCHANT_ID,
    "x-routing-id": hc.routing_id(REQUEST),
    "content-type": "application/json",
    "user-agent": "bench",
}


def check_peer_answer(status: int, data: Dict[str, Any]) -> None:
    # What the binding does with an answer, minimally: status check, JSON parse, the fields.
    if status != 200:
        raise RuntimeError(f"HTTP {status}")
    _ = (data["id"], data["order_id"], data["payment_links"]["web"], data["sdk_payload"])


# --- timing helpers ----------------------------------------------------------------------------

class Measured(NamedTuple):
    """One row of one round: throughput, and the client process's CPU per call."""

    rate: float  # calls per second (wall clock)
    cpu_us: float  # user + system CPU of this whole process per call, in microseconds


def process_cpu_seconds() -> float:
    # RUSAGE_SELF counts every thread of the process: the SDK's Rust threads are included,
    # the emulator (its own process) is not. CPU per call is the headline figure because it
    # survives a noisy machine better than wall time (issue 17).
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_sync(call: Callable[[], Any], seconds: float, warmup: int = 100) -> Measured:
    for _ in range(warmup):
        call()
    n = 0
    cpu_start = process_cpu_seconds()
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(20):
            call()
        n += 20
        now = time.perf_counter()
        if now >= deadline:
            cpu = process_cpu_seconds() - cpu_start
            return Measured(n / (now - start), cpu / n * 1e6)


def run_threads(
    make_call: Callable[[], Callable[[], Any]], threads: int, seconds: float
) -> Measured:
    counts = [0] * threads
    errors: List[BaseException] = []
    barrier = threading.Barrier(threads + 1)
    stop = threading.Event()

    def worker(i: int) -> None:
        call = make_call()
        try:
            for _ in range(20):
                call()
            barrier.wait()
            while not stop.is_set():
                call()
                counts[i] += 1
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
            barrier.abort()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    total_at_start = sum(counts)
    cpu_start = process_cpu_seconds()
    start = time.perf_counter()
    time.sleep(seconds)
    total_at_stop = sum(counts)
    cpu = process_cpu_seconds() - cpu_start
    elapsed = time.perf_counter() - start
    stop.set()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    done = total_at_stop - total_at_start
    return Measured(done / elapsed, cpu / max(done, 1) * 1e6)


async def run_async(call: Callable[[], Any], concurrency: int, seconds: float) -> Measured:
    for _ in range(50):
        await call()
    count = 0
    stop = False

    async def worker() -> None:
        nonlocal count
        while not stop:
            await call()
            count += 1

    tasks = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    await asyncio.sleep(0.1)  # let every worker get going before the clock starts
    done_at_start = count
    cpu_start = process_cpu_seconds()
    start = time.perf_counter()
    await asyncio.sleep(seconds)
    done = count - done_at_start
    cpu = process_cpu_seconds() - cpu_start
    elapsed = time.perf_counter() - start
    stop = True
    await asyncio.gather(*tasks)
    return Measured(done / elapsed, cpu / max(done, 1) * 1e6)


# --- contenders --------------------------------------------------------------------------------

def bench_binding(url: str, seconds: float) -> Dict[str, Measured]:
    client = hc.Client(
        hc.ClientConfig(
            merchant_id=MERCHANT_ID, api_key=API_KEY, environment=hc.Environment.SANDBOX,
            base_url=url,
        )
    )
    out = {}
    out["hypercheckout sync"] = run_sync(lambda: client.create_session(REQUEST), seconds)
    out["hypercheckout 8 threads"] = run_threads(
        lambda: (lambda: client.create_session(REQUEST)), 8, seconds
    )
    out["hypercheckout asyncio c=32"] = asyncio.run(
        run_async(lambda: client.create_session_async(REQUEST), 32, seconds)
    )
    return out


def bench_requests(url: str, seconds: float) -> Dict[str, Measured]:
    import requests

    endpoint = url + "/session"

    def make_call() -> Callable[[], None]:
        session = requests.Session()

        def call() -> None:
            r = session.post(endpoint, data=BODY, headers=HEADERS, timeout=30)
            check_peer_answer(r.status_code, r.json())

        return call

    return {
        "requests.Session sync": run_sync(make_call(), seconds),
        "requests.Session 8 threads": run_threads(make_call, 8, seconds),
    }


def bench_http_client(url: str, seconds: float) -> Dict[str, Measured]:
    """The floor: the stdlib's minimal keep-alive client, no pool, no retries, no checks."""
    import http.client

    host, _, port = url[len("http://"):].partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def call() -> None:
        conn.request("POST", "/session", body=BODY, headers=HEADERS)
        r = conn.getresponse()
        check_peer_answer(r.status, json.loads(r.read()))

    rate = run_sync(call, seconds)
    conn.close()
    return {"http.client(stdlib) sync": rate}


def bench_httpx(url: str, seconds: float) -> Dict[str, Measured]:
    import httpx

    endpoint = url + "/session"
    client = httpx.Client(timeout=30)

    def call() -> None:
        r = client.post(endpoint, content=BODY, headers=HEADERS)
        check_peer_answer(r.status_code, r.json())

    out = {"httpx.Client sync": run_sync(call, seconds)}

    async def run() -> Measured:
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=32)) as ac:
            async def acall() -> None:
                r = await ac.post(endpoint, content=BODY, headers=HEADERS)
                check_peer_answer(r.status_code, r.json())

            return await run_async(acall, 32, seconds)

    out["httpx.AsyncClient c=32"] = asyncio.run(run())
    return out


def bench_aiohttp(url: str, seconds: float) -> Dict[str, Measured]:
    import aiohttp

    endpoint = url + "/session"

    async def run() -> Measured:
        async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=32),
            timeout=aiohttp.ClientTimeout(total=30),
        ) as session:
            async def call() -> None:
                async with session.post(endpoint, data=BODY, headers=HEADERS) as r:
                    check_peer_answer(r.status, await r.json())

            return await run_async(call, 32, seconds)

    return {"aiohttp c=32": asyncio.run(run())}


# --- import time and profile -------------------------------------------------------------------

def import_time(module: str, runs: int = 7) -> Optional[float]:
    code = f"import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
    samples = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        samples.append(float(r.stdout))
    return statistics.median(samples) * 1000


def breakdown(url: str, sync_cpu_us: float, calls: int = 3000) -> List[Tuple[str, float]]:
    """Where a sync call's CPU goes: the Python-side FFI work measured through calls that do
    the same lowering/lifting without I/O (single-threaded and CPU-bound: their thread's CPU
    time is their cost), and the rest (the HTTP round trip in Rust: hyper, the hand-off to the
    runtime's I/O thread, the wake-ups)."""
    client = hc.Client(
        hc.ClientConfig(
            merchant_id=MERCHANT_ID, api_key=API_KEY, environment=hc.Environment.SANDBOX,
            base_url=url,
        )
    )
    session = client.create_session(REQUEST)
    answer = json.dumps({
        "status": session.status, "id": session.id, "order_id": session.order_id,
        "payment_links": {"web": session.payment_link},
        "sdk_payload": json.loads(session.sdk_payload_json),
    })

    def per_call_us(fn: Callable[[], Any]) -> float:
        # This thread's CPU time (the calls run on it, no I/O), best of 5: on a machine
        # shared with builds, wall time measured the neighbours as much as the calls.
        for _ in range(200):
            fn()
        best = float("inf")
        for _ in range(5):
            start = time.thread_time()
            for _ in range(calls // 5):
                fn()
            best = min(best, (time.thread_time() - start) / (calls // 5) * 1e6)
        return best

    total = sync_cpu_us
    lower = per_call_us(lambda: hc.routing_id(REQUEST))
    lift = per_call_us(lambda: hc.parse_session_response(200, {}, answer))
    return [
        ("whole `create_session` call, CPU (from the sync row)", total),
        ("lower the SessionRequest + one FFI call (`routing_id(request)`, no I/O)", lower),
        ("parse the answer in Rust + lift the Session (`parse_session_response`)", lift),
        ("remainder: the HTTP exchange in Rust (hyper, runtime hand-off, wake-ups)", max(0.0, total - lower - lift)),
    ]


# --- soak ----------------------------------------------------------------------------------------

def process_footprint() -> Tuple[int, int, int]:
    """(RSS in KiB, threads, open file descriptors) of this process, from /proc (Linux)."""
    rss_kib = 0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    return rss_kib, len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))


def soak(url: str, calls: int) -> int:
    """`calls` sequential sessions through one client, then `calls // 10` through asyncio at
    32 in flight; prints RSS, threads and fds at the start, after 10k calls and at the end
    (issue 17, item 4). Growth after the first 10k (warm pools and caches) is a leak: exit 1
    when RSS grew by more than 10% and 8 MiB, or threads or fds grew at all."""
    client = hc.Client(
        hc.ClientConfig(
            merchant_id=MERCHANT_ID, api_key=API_KEY, environment=hc.Environment.SANDBOX,
            base_url=url,
        )
    )
    async def in_flight(total: int) -> None:
        async def worker(n: int) -> None:
            for _ in range(n):
                await client.create_session_async(REQUEST)
        await asyncio.gather(*(worker(total // 32) for _ in range(32)))

    for _ in range(100):
        client.create_session(REQUEST)
    # 32 in flight once, so the pool already holds the connections the async part needs.
    asyncio.run(in_flight(96))
    rows = [("start (after the warm-up calls)", process_footprint())]
    started = time.perf_counter()
    for i in range(1, calls + 1):
        client.create_session(REQUEST)
        if i == 10_000:
            rows.append(("10,000 sync calls", process_footprint()))
    rows.append((f"{calls:,} sync calls", process_footprint()))
    asyncio.run(in_flight(calls // 10))
    rows.append((f"+ {calls // 10:,} asyncio calls (32 in flight)", process_footprint()))
    elapsed = time.perf_counter() - started
    print("| point | RSS (MiB) | threads | fds |")
    print("| --- | ---: | ---: | ---: |")
    for label, (rss, threads, fds) in rows:
        print(f"| {label} | {rss / 1024:.1f} | {threads} | {fds} |")
    print(f"\n{calls + calls // 10:,} calls in {elapsed:.0f} s")
    base = rows[1][1] if len(rows) > 3 else rows[0][1]
    end = rows[-1][1]
    grew = end[0] - base[0] > max(base[0] * 0.10, 8 * 1024) or end[1] > base[1] or end[2] > base[2]
    if grew:
        print(f"!!! growth after the first 10k calls: {base} -> {end} (RSS KiB, threads, fds)")
        return 1
    print("no growth after the first 10k calls (RSS within 10% / 8 MiB; threads and fds equal)")
    return 0


# --- main --------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.5, help="measurement time per row and round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds; each row reports its median")
    parser.add_argument(
        "--emulator",
        default=os.environ.get("HYPERCHECKOUT_EMULATOR")
        or str(REPO / "target" / "release" / "hypercheckout-emulator"),
    )
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/python.md")
    parser.add_argument(
        "--soak", type=int, metavar="CALLS",
        help="instead of the benchmark: CALLS sequential calls (and CALLS/10 async ones), "
        "printing RSS, threads and fds (100000 for issue 17's soak)",
    )
    args = parser.parse_args()

    if args.soak:
        emu = Emulator(args.emulator)
        try:
            return soak(emu.url, args.soak)
        finally:
            emu.stop()

    load_before = os.getloadavg()[0]
    emu = Emulator(args.emulator)
    try:
        # Rounds interleave the contenders so background load (shared CI machines) hits
        # them alike; each row reports its median over the rounds.
        samples: Dict[str, List[Measured]] = {}
        contenders = [bench_binding, bench_requests, bench_httpx, bench_aiohttp,
                      bench_http_client]
        for round_no in range(1, args.rounds + 1):
            # Alternate the order so no contender always runs in the same slot.
            for bench in contenders if round_no % 2 else contenders[::-1]:
                got = bench(emu.url, args.seconds)
                for name, m in got.items():
                    print(f"round {round_no} {name:32s} {m.cpu_us:7.0f} us CPU/call "
                          f"{m.rate:9.0f} sessions/s", flush=True)
                    samples.setdefault(name, []).append(m)
        cpu = {name: statistics.median(m.cpu_us for m in ms) for name, ms in samples.items()}
        rate = {name: statistics.median(m.rate for m in ms) for name, ms in samples.items()}
        profile_rows = breakdown(emu.url, cpu["hypercheckout sync"])
    finally:
        emu.stop()

    imports = {m: import_time(m) for m in ("hypercheckout", "requests", "httpx", "aiohttp")}

    lines = [
        "| client | mode | CPU µs/call | sessions/s | CPU vs http.client | CPU vs requests.Session | CPU vs aiohttp c=32 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in samples:
        client, _, mode = name.partition(" ")
        lines.append(
            f"| {client} | {mode} | {cpu[name]:,.0f} | {rate[name]:,.0f} "
            f"| {cpu[name] / cpu['http.client(stdlib) sync']:.2f}x "
            f"| {cpu[name] / cpu['requests.Session sync']:.2f}x "
            f"| {cpu[name] / cpu['aiohttp c=32']:.2f}x |"
        )
    table = "\n".join(lines)

    # Target ratios: the median of the per-round ratios (each round measures both sides
    # close together in time, so it is less sensitive to load swings than a ratio of medians).
    def per_round(ours: str, peer: str, field: str) -> float:
        return statistics.median(
            getattr(a, field) / getattr(b, field) for a, b in zip(samples[ours], samples[peer])
        )

    def verdict(value: float, target: float, at_most: bool) -> str:
        met = value <= target if at_most else value >= target
        return "met" if met else "missed"

    sync_vs_stdlib = per_round("hypercheckout sync", "http.client(stdlib) sync", "cpu_us")
    requests_vs_sync = per_round("requests.Session sync", "hypercheckout sync", "cpu_us")
    async_cpu = per_round("hypercheckout asyncio c=32", "aiohttp c=32", "cpu_us")
    async_rate = per_round("hypercheckout asyncio c=32", "aiohttp c=32", "rate")
    import_ms = imports["hypercheckout"]
    targets = [
        "Issue 17's targets, each the median of per-round ratios:",
        "",
        f"- sync CPU per call / stdlib http.client's: **{sync_vs_stdlib:.2f}x** "
        f"(target <= 0.5x: {verdict(sync_vs_stdlib, 0.5, True)})",
        f"- requests.Session's CPU per call / sync's: **{requests_vs_sync:.2f}x** "
        f"(target >= 8x: {verdict(requests_vs_sync, 8, False)})",
        f"- asyncio c=32 CPU per call / aiohttp's: **{async_cpu:.2f}x** "
        f"(target <= 0.7x: {verdict(async_cpu, 0.7, True)})",
        f"- asyncio c=32 sessions/s / aiohttp's: **{async_rate:.2f}x** "
        f"(target >= 1x: {verdict(async_rate, 1, False)})",
        f"- `import hypercheckout`: **{'n/a' if import_ms is None else f'{import_ms:.1f} ms'}** "
        f"(target <= 30 ms: {'n/a' if import_ms is None else verdict(import_ms, 30, True)})",
    ]
    import_lines = ["| module | import time (median of 7 fresh interpreters) |", "| --- | ---: |"]
    for m, ms in imports.items():
        import_lines.append(f"| `{m}` | {'n/a' if ms is None else f'{ms:.1f} ms'} |")
    prof_lines = [
        "| part of one sync call | CPU µs |",
        "| --- | ---: |",
    ] + [f"| {k} | {v:.1f} |" for k, v in profile_rows]

    env = (
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before / {os.getloadavg()[0]:.2f} after "
        "(other builds share this machine); "
        f"hypercheckout {hc.sdk_version()} (release wheel), emulator {Path(args.emulator).name} "
        f"({'release' if '/release/' in args.emulator else 'debug'}), median of {args.rounds} rounds "
        f"of {args.seconds:g} s per row, "
        "one emulator process on loopback shared by all rows."
    )
    print()
    print(table)
    print()
    print("\n".join(targets))
    print()
    print("\n".join(import_lines))
    print()
    print("\n".join(prof_lines))

    if not args.no_write:
        out = REPO / "benchmarks" / "python.md"
        out.parent.mkdir(exist_ok=True)
        previous = out.read_text() if out.exists() else ""
        analysis = ""
        marker = "## Where the time goes"
        if marker in previous:
            analysis = previous[previous.index(marker):]
        out.write_text(
            "# Python binding benchmark\n\n"
            "Generated by `scripts/bench-python.py`: CPU per call (the client process's "
            "user + system time, every thread, from getrusage; the emulator is another "
            "process) and sessions per second, identical `POST /session` against the same "
            "emulator in one run; peers parse the JSON answer like the binding does.\n\n"
            f"{env}\n\n{table}\n\n" + "\n".join(targets) + "\n\n"
            "## Import time\n\n" + "\n".join(import_lines) + "\n\n"
            "## Breakdown of the sync call\n\n" + "\n".join(prof_lines) + "\n\n"
            + (analysis or f"{marker}\n\n(see the analysis in the commit that recorded this run)\n")
        )
        print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
