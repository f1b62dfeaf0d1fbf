"""The SDK's records in Python's `logging` and request events for metrics
(`hypercheckout/_observe.py`, `docs/observability.md`): a retried call's attempt, wait and
answer as DEBUG records of the `hypercheckout` logger, with no key, e-mail or phone in them;
one event per attempt; a slow or raising listener never slows or breaks a call."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from typing import Any, Dict, Iterator, List

import pytest

import hypercheckout as hc
from conftest import MERCHANT_ID, make_config, make_request

CANARY_KEY = "sk_canary_obs_" + uuid.uuid4().hex[:12]
CANARY_EMAIL = "canary.observe.py@example.com"
CANARY_PHONE = "9999000044"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: List[logging.LogRecord] = []
        self.threads: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.threads.append(threading.current_thread().name)


@pytest.fixture
def captured() -> Iterator[Capture]:
    """The `hypercheckout` logger at DEBUG into a capture; restored afterwards."""
    assert hc.flush_observers(10_000)
    logger = logging.getLogger(hc.LOGGER_NAME)
    capture = Capture()
    old = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    hc.refresh_log_level()
    try:
        yield capture
    finally:
        assert hc.flush_observers(10_000)
        hc.clear_request_listener()
        logger.removeHandler(capture)
        logger.setLevel(old)
        hc.refresh_log_level()


@pytest.fixture
def canary_client(spawn_emulator: Any) -> hc.Client:
    emu = spawn_emulator("--merchant-id", MERCHANT_ID, "--api-key", CANARY_KEY)
    return hc.Client(make_config(emu.url, api_key=CANARY_KEY))


def canary_request(fault: str) -> hc.SessionRequest:
    return make_request(fault=fault, prefix="obs", customer_email=CANARY_EMAIL,
                        customer_phone=CANARY_PHONE)


def find(records: List[logging.LogRecord], message: str, attempt: str) -> logging.LogRecord:
    for record in records:
        fields: Dict[str, str] = getattr(record, "hypercheckout", {})
        if record.getMessage().startswith(message) and fields.get("attempt") == attempt:
            return record
    raise AssertionError(f"no {message!r} record for attempt {attempt}: "
                         f"{[r.getMessage() for r in records]}")


def assert_no_canary(records: List[logging.LogRecord]) -> None:
    import base64

    encoded = base64.b64encode(f"{CANARY_KEY}:".encode()).decode()
    for record in records:
        text = f"{record.getMessage()} {vars(record)!r}"
        for canary in (CANARY_KEY, encoded, CANARY_EMAIL, CANARY_PHONE):
            assert canary not in text, (canary, text)


def test_a_retried_call_is_logged_at_debug(captured: Capture, canary_client: hc.Client) -> None:
    session = canary_client.create_session(canary_request("429;times=1;retry-after=0"))
    assert hc.flush_observers(10_000)
    records = [r for r in captured.records if r.name == "hypercheckout"]

    sending = find(records, "sending", "1")
    assert sending.levelno == logging.DEBUG
    assert sending.hypercheckout["operation"] == "create_session"  # type: ignore[attr-defined]
    assert find(records, "answer", "1").hypercheckout["http_status"] == "429"  # type: ignore[attr-defined]
    retrying = find(records, "retrying", "1")
    assert retrying.levelno == logging.DEBUG
    assert "wait_ms=0" in retrying.getMessage()
    assert retrying.hypercheckout["reason"] == "rate_limited"  # type: ignore[attr-defined]
    find(records, "sending", "2")
    answer = find(records, "answer", "2")
    fields = answer.hypercheckout  # type: ignore[attr-defined]
    assert fields["http_status"] == "200"
    assert fields["request_id"] and "latency_ms" in fields
    assert any(r.levelno == logging.INFO and session.order_id in r.getMessage() for r in records)
    assert_no_canary(records)
    # Delivered on the SDK's thread, never the caller's.
    assert set(captured.threads) != {threading.current_thread().name}


def test_async_calls_are_logged_too(captured: Capture, canary_client: hc.Client) -> None:
    async def call() -> None:
        await canary_client.create_session_async(canary_request("503;times=1;retry-after=0"))

    asyncio.run(call())
    assert hc.flush_observers(10_000)
    records = [r for r in captured.records if r.name == "hypercheckout"]
    assert find(records, "retrying", "1").hypercheckout["reason"] == "server"  # type: ignore[attr-defined]
    assert find(records, "answer", "2").hypercheckout["http_status"] == "200"  # type: ignore[attr-defined]
    assert_no_canary(records)


def test_a_failed_call_is_a_warning(captured: Capture, canary_client: hc.Client) -> None:
    with pytest.raises(hc.HyperCheckoutError.Server):
        canary_client.create_session(canary_request("503;retry-after=0"))
    assert hc.flush_observers(10_000)
    failed = [r for r in captured.records if r.getMessage().startswith("call failed")]
    assert len(failed) == 1 and failed[0].levelno == logging.WARNING
    assert failed[0].hypercheckout["kind"] == "server"  # type: ignore[attr-defined]
    assert_no_canary(captured.records)


def test_below_the_level_no_record_is_made(captured: Capture, canary_client: hc.Client) -> None:
    logger = logging.getLogger(hc.LOGGER_NAME)
    logger.setLevel(logging.WARNING)
    hc.refresh_log_level()
    before = hc.observer_stats().logs_delivered
    canary_client.create_session(canary_request("429;times=1;retry-after=0"))
    assert hc.flush_observers(10_000)
    assert hc.observer_stats().logs_delivered == before
    assert captured.records == []


def test_a_listener_sees_every_attempt(captured: Capture, canary_client: hc.Client) -> None:
    # The metrics example's shape: a counter per (operation, status) and latencies.
    counts: Dict[Any, int] = {}
    latencies: List[float] = []
    events: List[hc.RequestEvent] = []

    def on_request(event: hc.RequestEvent) -> None:
        key = (event.operation, event.http_status, event.error_kind)
        counts[key] = counts.get(key, 0) + 1
        latencies.append(event.latency_ms)
        events.append(event)

    hc.set_request_listener(on_request)
    session = canary_client.create_session(canary_request("503;times=2;retry-after=0"))
    canary_client.get_order_status(session.order_id, session.routing_id)
    assert hc.flush_observers(10_000)
    assert counts == {("create_session", 503, "server"): 2, ("create_session", 200, None): 1,
                      ("get_order_status", 200, None): 1}
    assert [e.attempt for e in events] == [1, 2, 3, 1]
    assert [e.will_retry for e in events] == [True, True, False, False]
    assert events[0].retry_wait_ms == 0 and events[2].retry_wait_ms is None
    assert events[3].path == "/orders/{order_id}" and events[3].method == "GET"
    assert all(e.request_id for e in events)
    assert all(latency > 0 for latency in latencies)


def test_a_slow_listener_does_not_slow_the_call(captured: Capture, canary_client: hc.Client) -> None:
    slow = threading.Event()
    slow.set()
    seen: List[int] = []

    def on_request(event: hc.RequestEvent) -> None:
        if slow.is_set():
            time.sleep(1.0)
        seen.append(event.attempt)

    canary_client.create_session(canary_request("none"))  # warm: connection open
    hc.set_request_listener(on_request)
    started = time.monotonic()
    for _ in range(3):
        canary_client.create_session(canary_request("none"))
    elapsed = time.monotonic() - started
    # On the request path the listener would add 3 s; three local calls take milliseconds.
    assert elapsed < 0.9, elapsed
    slow.clear()
    assert hc.flush_observers(10_000)
    assert len(seen) == 3


def test_a_raising_listener_is_logged_and_the_call_succeeds(
    captured: Capture, canary_client: hc.Client
) -> None:
    def on_request(event: hc.RequestEvent) -> None:
        raise ValueError("listener bug")

    hc.set_request_listener(on_request)
    session = canary_client.create_session(canary_request("none"))
    assert session.payment_link
    assert hc.flush_observers(10_000)
    warnings = [r for r in captured.records if "request listener raised" in r.getMessage()]
    assert warnings and warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is not None and "listener bug" in str(warnings[0].exc_info[1])


def test_a_listener_object_and_a_bad_listener() -> None:
    class Listener:
        def __init__(self) -> None:
            self.events: List[hc.RequestEvent] = []

        def on_request(self, event: hc.RequestEvent) -> None:
            self.events.append(event)

    hc.set_request_listener(Listener())
    hc.clear_request_listener()
    with pytest.raises(TypeError):
        hc.set_request_listener(42)  # type: ignore[arg-type]
