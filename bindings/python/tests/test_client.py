"""The client against the emulator: success, every error kind, injected faults."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import pytest

import hypercheckout as hc
from conftest import API_KEY, MERCHANT_ID, Emulator, make_config, make_request


def check_session(session: hc.Session, request: hc.SessionRequest) -> None:
    assert session.status == "NEW"
    assert session.order_id == request.order_id
    assert session.id.startswith("ordeh_")
    assert session.payment_link.endswith(f"/orders/{session.id}/payment-page")
    assert session.sdk_payload.service == "in.juspay.hyperpay"
    details = session.sdk_payload.payload
    assert details.order_id == request.order_id
    assert details.amount == request.amount
    assert details.client_id == request.payment_page_client_id
    assert details.merchant_id == MERCHANT_ID
    assert details.client_auth_token and details.client_auth_token.startswith("tkn_")
    # sdk_payload_json is the exact JSON to hand to the mobile SDK.
    assert json.loads(session.sdk_payload_json)["payload"]["orderId"] == request.order_id


def test_create_session(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(first_name="John", last_name="Wick", metadata={"k": "v"}, udf6="x y")
    session = client.create_session(request)
    check_session(session, request)
    assert emulator.count(hc.routing_id(request)) == 1


def test_create_session_asyncio(client: hc.Client) -> None:
    request = make_request()
    session = asyncio.run(client.create_session_async(request))
    check_session(session, request)


def test_same_order_same_amount_returns_same_order(client: hc.Client) -> None:
    request = make_request()
    first = client.create_session(request)
    second = client.create_session(request)
    assert first.id == second.id


def test_mandate_request(client: hc.Client) -> None:
    request = make_request(
        create_mandate=hc.CreateMandate.REQUIRED,
        mandate=hc.Mandate(
            max_amount="5000.00",
            frequency=hc.MandateFrequency.MONTHLY,
            rule_value="5",
            amount_rule=hc.AmountRule.VARIABLE,
        ),
    )
    check_session(client.create_session(request), request)


# --- error kinds ----------------------------------------------------------------------------


def test_validation_error_nothing_sent(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(amount="1.234", customer_email="not-an-email")
    expected = {(v.field, v.code) for v in hc.validate(request)}
    assert {f for f, _ in expected} == {"amount", "customer_email"}
    with pytest.raises(hc.HyperCheckoutError.Validation) as info:
        client.create_session(request)
    e = info.value
    assert {(v.field, v.code) for v in e.violations} == expected
    assert e.http_status is None and e.error_code is None
    assert "amount" in str(e)
    assert emulator.count(hc.routing_id(request)) == 0


def test_validation_error_async(client: hc.Client) -> None:
    with pytest.raises(hc.HyperCheckoutError.Validation):
        asyncio.run(client.create_session_async(make_request(order_id="bad order id!")))


def test_authentication_error(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url, api_key="wrong_key"))
    with pytest.raises(hc.HyperCheckoutError.Authentication) as info:
        client.create_session(make_request())
    e = info.value
    assert e.http_status == 401
    assert e.error_code == "access_denied"
    assert e.error_message


def test_invalid_request_duplicate_order(client: hc.Client) -> None:
    request = make_request()
    client.create_session(request)
    request.amount = "11.00"
    with pytest.raises(hc.HyperCheckoutError.InvalidRequest) as info:
        client.create_session(request)
    e = info.value
    assert e.http_status == 400
    assert e.error_code == "duplicate.call"
    assert e.error_message
    assert e.request_id and len(e.request_id) == 32


def test_not_found(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url + "/no/such/prefix"))
    with pytest.raises(hc.HyperCheckoutError.NotFound) as info:
        client.create_session(make_request())
    assert info.value.http_status == 404
    assert info.value.error_code == "not_found"


def test_rate_limited_after_retries(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(fault="429;retry-after=0")
    with pytest.raises(hc.HyperCheckoutError.RateLimited) as info:
        client.create_session(request)
    e = info.value
    assert e.http_status == 429
    assert e.error_code == "request.exceeded"
    assert e.retry_after_seconds == 0
    assert emulator.count(hc.routing_id(request)) == 3  # 1 + max_retries (2)


def test_server_error_500_not_retried(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(fault="500")
    with pytest.raises(hc.HyperCheckoutError.Server) as info:
        client.create_session(request)
    assert info.value.http_status == 500
    assert info.value.error_code == "Internal server Error"
    assert emulator.count(hc.routing_id(request)) == 1


@pytest.mark.parametrize("status", [502, 503, 504])
def test_server_error_retried_then_raised(emulator: Emulator, status: int) -> None:
    client = hc.Client(make_config(emulator.url, max_retries=1))
    request = make_request(fault=f"{status};retry-after=0")
    with pytest.raises(hc.HyperCheckoutError.Server) as info:
        client.create_session(request)
    assert info.value.http_status == status
    assert emulator.count(hc.routing_id(request)) == 2


def test_transient_503_recovers(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(fault="503;times=2;retry-after=0")
    session = client.create_session(request)
    assert session.order_id == request.order_id
    assert emulator.count(hc.routing_id(request)) == 3


def test_transient_503_recovers_async(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(fault="503;times=1;retry-after=0")
    session = asyncio.run(client.create_session_async(request))
    assert session.order_id == request.order_id
    assert emulator.count(hc.routing_id(request)) == 2


def test_hang_times_out_within_bound(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url, timeout_ms=300, overall_timeout_ms=2000))
    request = make_request(fault="hang")
    started = time.monotonic()
    with pytest.raises(hc.HyperCheckoutError.Timeout) as info:
        client.create_session(request)
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 1.5, elapsed
    assert info.value.reason
    assert info.value.http_status is None


def test_hang_times_out_async(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url, timeout_ms=300, overall_timeout_ms=2000))

    async def run() -> float:
        started = time.monotonic()
        with pytest.raises(hc.HyperCheckoutError.Timeout):
            await client.create_session_async(make_request(fault="hang"))
        return time.monotonic() - started

    assert asyncio.run(run()) < 1.5


def test_overall_timeout_bounds_retries(emulator: Emulator) -> None:
    # Each attempt gets a 503 asking for a 5 s wait; the overall limit stops it early.
    client = hc.Client(make_config(emulator.url, overall_timeout_ms=1000, max_retries=5))
    started = time.monotonic()
    with pytest.raises(hc.HyperCheckoutError.Server):
        client.create_session(make_request(fault="503;retry-after=5"))
    assert time.monotonic() - started < 1.5


def test_reset_is_connection_error(client: hc.Client, emulator: Emulator) -> None:
    request = make_request(fault="reset")
    with pytest.raises(hc.HyperCheckoutError.Connection) as info:
        client.create_session(request)
    assert info.value.reason
    # The request was processed: a broken answer is never retried.
    assert emulator.count(hc.routing_id(request)) == 1


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on `port` now.
    client = hc.Client(make_config(f"http://127.0.0.1:{port}", max_retries=1))
    with pytest.raises(hc.HyperCheckoutError.Connection) as info:
        client.create_session(make_request())
    assert "not sent" in info.value.reason


def test_malformed_json(client: hc.Client) -> None:
    with pytest.raises(hc.HyperCheckoutError.UnexpectedResponse) as info:
        client.create_session(make_request(fault="malformed-json"))
    e = info.value
    assert e.http_status == 200
    assert e.body_excerpt
    assert e.request_id and len(e.request_id) == 32


def test_html_502(emulator: Emulator) -> None:
    client = hc.Client(make_config(emulator.url, max_retries=0))
    with pytest.raises(hc.HyperCheckoutError.UnexpectedResponse) as info:
        client.create_session(make_request(fault="html"))
    assert info.value.http_status == 502
    assert "<" in info.value.body_excerpt


def test_oversized(client: hc.Client) -> None:
    with pytest.raises(hc.HyperCheckoutError.UnexpectedResponse) as info:
        client.create_session(make_request(fault="oversized"))
    assert "larger" in info.value.reason
    assert len(info.value.body_excerpt) <= 512


def test_delay_within_timeout(client: hc.Client) -> None:
    request = make_request(fault="delay;ms=200")
    started = time.monotonic()
    client.create_session(request)
    assert time.monotonic() - started >= 0.2


def test_server_wide_fault_flag(spawn_emulator: Any) -> None:
    """`--fault` on the command line (the path for clients that cannot set a body field)."""
    emu = spawn_emulator("--fault", "503;times=1;retry-after=0")
    client = hc.Client(make_config(emu.url))
    request = make_request()
    assert client.create_session(request).order_id == request.order_id
    assert emu.count(hc.routing_id(request)) == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"merchant_id": ""},
        {"api_key": " "},
        {"base_url": "http://example.com"},
        {"base_url": "not a url"},
        {"timeout_ms": 0},
        {"app_name": "bad\nname"},
    ],
    ids=["empty-merchant", "blank-key", "plain-http-remote", "bad-url", "zero-timeout", "bad-ua"],
)
def test_configuration_errors(overrides: Any) -> None:
    with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
        hc.Client(make_config(**{"base_url": "http://127.0.0.1:1", **overrides}))
    assert info.value.reason
    assert info.value.http_status is None


def test_default_config_values() -> None:
    config = hc.ClientConfig(
        merchant_id=MERCHANT_ID, api_key=API_KEY, environment=hc.Environment.PRODUCTION
    )
    assert (config.base_url, config.connect_timeout_ms, config.timeout_ms) == (None, 5000, 30000)
    assert (config.overall_timeout_ms, config.max_retries) == (60000, 2)
    hc.Client(config)  # production URL, nothing sent


def test_errors_catchable_by_base_and_kind() -> None:
    kinds = [
        "Validation", "Authentication", "InvalidRequest", "NotFound", "RateLimited", "Server",
        "Timeout", "Connection", "UnexpectedResponse", "Configuration", "Internal",
    ]
    for kind in kinds:
        cls = getattr(hc.HyperCheckoutError, kind)
        assert issubclass(cls, hc.HyperCheckoutError)
        assert issubclass(cls, Exception)
