"""asyncio concurrency, threads sharing one client, GIL release, cancellation, fork safety."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from typing import List

import pytest

import hypercheckout as hc
from conftest import Emulator, make_config, make_request


def test_asyncio_200_concurrent_sessions(client: hc.Client) -> None:
    requests = [make_request() for _ in range(200)]

    async def run() -> List[hc.Session]:
        return await asyncio.gather(*(client.create_session_async(r) for r in requests))

    sessions = asyncio.run(run())
    assert [s.order_id for s in sessions] == [r.order_id for r in requests]
    assert len({s.id for s in sessions}) == 200


def test_asyncio_calls_overlap(client: hc.Client) -> None:
    """50 calls that each take >= 300 ms server-side finish in far less than 50 x 300 ms."""
    requests = [make_request(fault="delay;ms=300") for _ in range(50)]

    async def run() -> float:
        started = time.monotonic()
        await asyncio.gather(*(client.create_session_async(r) for r in requests))
        return time.monotonic() - started

    assert asyncio.run(run()) < 3.0


def test_asyncio_event_loop_not_blocked(client: hc.Client) -> None:
    """While a slow call is awaited, other coroutines keep running."""

    async def run() -> int:
        ticks = 0
        task = asyncio.ensure_future(client.create_session_async(make_request(fault="delay;ms=400")))
        while not task.done():
            ticks += 1
            await asyncio.sleep(0.01)
        await task
        return ticks

    assert asyncio.run(run()) >= 10


def test_asyncio_cancellation_leaves_client_usable(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url))

    async def run() -> None:
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.create_session_async(make_request(fault="hang")), 0.3)
        request = make_request()
        assert (await client.create_session_async(request)).order_id == request.order_id

    asyncio.run(run())


def _count_call_soon_threadsafe(monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(loop thread ids to fill in, calls from the loop thread, calls from other threads)."""
    loop_thread: List[int] = []
    from_loop_thread = [0]
    from_rust_threads = [0]
    original = asyncio.BaseEventLoop.call_soon_threadsafe

    def counting(self: asyncio.BaseEventLoop, *args: object, **kwargs: object) -> object:
        if threading.get_ident() in loop_thread:
            from_loop_thread[0] += 1
        else:
            from_rust_threads[0] += 1
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(asyncio.BaseEventLoop, "call_soon_threadsafe", counting)
    return loop_thread, from_loop_thread, from_rust_threads


def _forty_calls(client: hc.Client, loop_thread: List[int]) -> None:
    requests = [make_request() for _ in range(40)]

    async def run() -> List[hc.Session]:
        loop_thread.append(threading.get_ident())
        sequential = [await client.create_session_async(r) for r in requests[:20]]
        together = await asyncio.gather(*(client.create_session_async(r) for r in requests[20:]))
        return sequential + list(together)

    sessions = asyncio.run(run())
    assert [s.order_id for s in sessions] == [r.order_id for r in requests]


def test_asyncio_completions_run_no_python_on_rust_threads(
    client: hc.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rust records each completion in the loop's queue and writes a wake-up byte to a socket
    the loop watches (core/src/completion_queue.rs, hypercheckout/_fastffi.py); no Rust thread
    takes the GIL to run call_soon_threadsafe (uniffi's generated code did, 1 to 2 times per
    call: 52 in 51 calls), and the READY delivered inside the poll is drained in place."""
    loop_thread, from_loop_thread, from_rust_threads = _count_call_soon_threadsafe(monkeypatch)
    _forty_calls(client, loop_thread)
    assert (from_loop_thread[0], from_rust_threads[0]) == (0, 0), (
        f"call_soon_threadsafe for 40 calls: {from_loop_thread[0]} from the loop thread, "
        f"{from_rust_threads[0]} from Rust threads"
    )


def test_asyncio_loop_that_cannot_watch_a_socket_keeps_the_callback(
    client: hc.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loop without add_reader (asyncio's Proactor loop on Windows) takes uniffi's callback:
    the wake-ups come through call_soon_threadsafe from Rust threads, and the READY delivered
    inside the poll on the loop's thread is resolved in place (not one call_soon_threadsafe)."""
    def no_reader(self: object, *args: object) -> None:
        raise NotImplementedError

    monkeypatch.setattr(asyncio.selector_events.BaseSelectorEventLoop, "add_reader", no_reader)
    loop_thread, from_loop_thread, from_rust_threads = _count_call_soon_threadsafe(monkeypatch)
    _forty_calls(client, loop_thread)
    assert from_loop_thread[0] == 0, f"{from_loop_thread[0]} loop-thread wake-ups for 40 calls"
    assert from_rust_threads[0] > 0  # the wake-ups themselves come from Rust threads here


def test_each_event_loop_closes_its_completion_queue(client: hc.Client) -> None:
    """One queue (a socket) per event loop, closed when the loop is gone: 30 asyncio.run()s
    leave no descriptor behind."""
    import gc

    def run_once() -> None:
        asyncio.run(client.create_session_async(make_request()))

    run_once()  # the client's connection and the runtime's descriptors exist from here on
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(30):
        run_once()
    gc.collect()
    after = len(os.listdir("/proc/self/fd"))
    assert after <= before + 2, f"descriptors: {before} before 30 event loops, {after} after"


def test_eight_threads_share_one_client(client: hc.Client) -> None:
    per_thread = 25
    results: List[List[str]] = [[] for _ in range(8)]
    errors: List[BaseException] = []

    def worker(slot: int) -> None:
        try:
            for _ in range(per_thread):
                request = make_request()
                results[slot].append(client.create_session(request).order_id)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(len(r) for r in results) == 8 * per_thread
    assert len({o for r in results for o in r}) == 8 * per_thread


def test_blocking_call_releases_the_gil(client: hc.Client) -> None:
    """8 threads each waiting 300 ms on the server run in parallel, and a pure-Python
    thread keeps running meanwhile: the GIL is not held while waiting."""
    counter = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        threads = [
            threading.Thread(
                target=client.create_session,
                args=(make_request(fault="delay;ms=300"),),
            )
            for _ in range(8)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        spinner.join()
    assert elapsed < 1.5, elapsed  # serialised would be >= 2.4 s
    assert counter[0] > 10_000


# --- fork safety ------------------------------------------------------------------------------

FORK_TIMEOUT_S = 30.0


def wait_child(pid: int, timeout: float = FORK_TIMEOUT_S) -> int:
    """The child's exit status; kills it and fails if it does not finish in time (a hang)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"forked child {pid} hung for more than {timeout}s")
    return -1


def child_main(client: hc.Client) -> int:
    """Runs in the forked child: blocking and asyncio calls through the parent's client."""
    try:
        for _ in range(3):
            request = make_request(prefix="fork")
            assert client.create_session(request).order_id == request.order_id
        request = make_request(prefix="fork")
        session = asyncio.run(client.create_session_async(request))
        assert session.order_id == request.order_id
        return 0
    except BaseException as e:  # noqa: BLE001 - reported through the exit code
        sys.stderr.write(f"child failed: {e!r}\n")
        return 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_client_created_before_fork_works_in_children(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url, timeout_ms=5000, overall_timeout_ms=10000))
    # Use it in the parent first: the runtime's threads and pooled connections now exist,
    # and none of them survive into the child. Two blocking calls: from its second on, a
    # thread has its own runtime and pool (core/src/runtime.rs), which the child inherits.
    for _ in range(2):
        client.create_session(make_request(prefix="fork"))
    asyncio.run(client.create_session_async(make_request(prefix="fork")))

    pids = []
    for _ in range(4):  # a pre-fork server's workers
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            code = 1
            try:
                code = child_main(client)
            finally:
                os._exit(code)
        pids.append(pid)
    codes = [wait_child(pid) for pid in pids]
    assert codes == [0, 0, 0, 0]
    # And the parent's client still works after its children used their copies.
    request = make_request(prefix="fork")
    assert client.create_session(request).order_id == request.order_id


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_fork_while_other_threads_are_calling(client: hc.Client) -> None:
    """Fork while threads in the parent are in the middle of calls; the child must not
    inherit a lock or a dead runtime that hangs it."""
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            client.create_session(make_request(prefix="busy"))

    threads = [threading.Thread(target=busy) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.2)
        pids = []
        for _ in range(3):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - child
                code = 1
                try:
                    code = child_main(client)
                finally:
                    os._exit(code)
            pids.append(pid)
            time.sleep(0.05)
        codes = [wait_child(pid) for pid in pids]
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert codes == [0, 0, 0]
