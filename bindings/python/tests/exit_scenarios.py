"""Ways a Python program ends while SDK calls are in flight (issue 11, item 1).

Run as ``python exit_scenarios.py SCENARIO BASE_URL``; each scenario starts calls and lets the
interpreter exit in its own way. The process must end with the scenario's exit code, never
with SIGABRT ("FATAL: exception not rethrown"). ``test_exit.py`` runs each many times with
the CPU busy.

Scenarios:
- ``example``: the shape of examples/python/create_session.py: one blocking call, one
  ``asyncio.run``, normal exit (0).
- ``daemon_threads``: daemon threads each run an asyncio loop with calls in flight while the
  main thread returns (0).
- ``sys_exit_in_callback``: ``sys.exit(3)`` from a done-callback of one of many in-flight
  calls (3).
- ``after_fork``: a client made in the parent; a forked child starts async calls and exits
  normally before they finish (the child exits 0; the parent reports it).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import uuid

import hypercheckout as hc


def make_client(base_url: str) -> hc.Client:
    return hc.Client(
        hc.ClientConfig(
            merchant_id="emulator_merchant",
            api_key="emulator_api_key",
            environment=hc.Environment.SANDBOX,
            base_url=base_url,
        )
    )


def request() -> hc.SessionRequest:
    return hc.SessionRequest(
        order_id="x" + uuid.uuid4().hex[:12],
        amount="1.00",
        customer_id="exit-test",
        payment_page_client_id="exit_client",
    )


async def many_calls(client: hc.Client, count: int) -> None:
    await asyncio.gather(*(client.create_session_async(request()) for _ in range(count)))


def example(client: hc.Client) -> int:
    client.create_session(request())
    asyncio.run(many_calls(client, 1))
    return 0


def daemon_threads(client: hc.Client) -> int:
    started = threading.Barrier(5)

    def loop() -> None:
        async def run() -> None:
            calls = [asyncio.ensure_future(client.create_session_async(request())) for _ in range(20)]
            started.wait()
            await asyncio.gather(*calls)

        asyncio.run(run())

    for _ in range(4):
        threading.Thread(target=loop, daemon=True).start()
    started.wait()
    return 0  # the main thread ends with the daemons' calls in flight


def sys_exit_in_callback(client: hc.Client) -> int:
    async def run() -> None:
        calls = [asyncio.ensure_future(client.create_session_async(request())) for _ in range(30)]
        calls[0].add_done_callback(lambda _: sys.exit(3))
        await asyncio.gather(*calls)

    asyncio.run(run())
    return 1  # not reached: SystemExit(3) ends the loop


def after_fork(client: hc.Client) -> int:
    client.create_session(request())  # the parent's runtime and pool exist
    pid = os.fork()
    if pid == 0:
        async def child() -> None:
            for _ in range(20):
                asyncio.ensure_future(client.create_session_async(request()))
            await asyncio.sleep(0.002)  # let some start, then return with the rest in flight

        asyncio.run(child())
        sys.exit(0)  # a normal exit: atexit handlers and finalization run in the child
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        print(f"child killed by signal {os.WTERMSIG(status)}", file=sys.stderr)
        return 100 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


SCENARIOS = {
    "example": (example, 0),
    "daemon_threads": (daemon_threads, 0),
    "sys_exit_in_callback": (sys_exit_in_callback, 3),
    "after_fork": (after_fork, 0),
}

if __name__ == "__main__":
    scenario, base_url = sys.argv[1], sys.argv[2]
    sys.exit(SCENARIOS[scenario][0](make_client(base_url)))
