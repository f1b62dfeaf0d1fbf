"""Hostile servers and hostile inputs through the Python binding (issue 11): the emulator's
fault modes over real loopback HTTP, and inputs that once crashed or leaked."""

from __future__ import annotations

import base64
import time

import pytest

import hypercheckout as hc
from conftest import API_KEY, Emulator, make_config, make_request


def test_a_retry_after_beyond_any_clock_is_a_typed_error(client: hc.Client, emulator: Emulator) -> None:
    # Item 2: this panicked in Rust and surfaced as uniffi's InternalError.
    for fault in ("503;retry-after-raw=18446744073709551615", "429;retry-after-raw=9223372036854775807"):
        request = make_request(fault=fault)
        started = time.monotonic()
        with pytest.raises(hc.HyperCheckoutError) as info:
            client.create_session(request)
        assert type(info.value).__name__ in ("Server", "RateLimited"), repr(info.value)
        assert time.monotonic() - started < 3
        assert emulator.count(request.customer_id) == 1  # not retried


def test_an_echoed_authorization_header_is_scrubbed(client: hc.Client) -> None:
    # Item 7: the key, raw or as base64 of "key:" / "key", never reaches an error's text.
    with pytest.raises(hc.HyperCheckoutError) as info:
        client.create_session(make_request(fault="echo-auth"))
    shown = f"{info.value} {info.value!r} {vars(info.value)}"
    for secret in (API_KEY, base64.b64encode(f"{API_KEY}:".encode()).decode(), base64.b64encode(API_KEY.encode()).decode()):
        assert secret.rstrip("=") not in shown, shown
    assert "[redacted]" in shown


@pytest.mark.parametrize("order_id", [".", "..", "a" * 10_000_000, "bad\nid"])
def test_unsafe_order_ids_are_refused_before_sending(client: hc.Client, order_id: str) -> None:
    # Items 3 and 6: dot segments reached other endpoints; a 10 MB id came back in the message.
    with pytest.raises(hc.HyperCheckoutError.Validation) as info:
        client.get_order_status(order_id, "cust-1")
    assert info.value.violations[0].field == "order_id"
    assert len(str(info.value)) < 1000


@pytest.mark.parametrize("customer_id", ["c1\r\nX-Evil: 1", "josé", "nul\x00"])
def test_unsendable_routing_ids_are_validation_errors(client: hc.Client, customer_id: str) -> None:
    # Item 4: these used to fail as "Connection: request may have been sent".
    with pytest.raises(hc.HyperCheckoutError.Validation) as info:
        client.create_session(make_request(customer_id=customer_id))
    assert [(v.field, v.code) for v in info.value.violations] == [("customer_id", "invalid_header_value")]


def test_base_url_credentials_and_bad_merchant_ids_are_configuration_errors(emulator: Emulator) -> None:
    # Item 5 and item 4 for the merchant id.
    for config in (
        make_config("https://user:pw@sandbox.juspay.in"),
        make_config(emulator.url, merchant_id="m\r\n"),
    ):
        with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
            hc.Client(config)
        assert "pw" not in str(info.value)


def test_a_lone_surrogate_in_the_key_never_echoes_it(emulator: Emulator) -> None:
    # Item 8: the UnicodeEncodeError it replaces held the whole key in repr/args.
    key = "canary-secret-\udcff-key"
    with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
        hc.Client(make_config(emulator.url, api_key=key))
    error = info.value
    for text in (str(error), repr(error), repr(error.args), repr(error.__context__), repr(error.__cause__)):
        assert "canary-secret" not in text, text


@pytest.mark.parametrize(
    "fault", ["gzip", "invalid-utf8", "empty-200", "huge-number", "deep-nesting", "oversized", "reset"]
)
def test_hostile_bodies_fail_closed(client: hc.Client, fault: str) -> None:
    started = time.monotonic()
    with pytest.raises(hc.HyperCheckoutError):
        client.create_session(make_request(fault=fault))
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("fault", ["trickle;ms=100", "endless-headers;ms=50", "silent"])
def test_slow_servers_are_bounded_by_the_attempt_timeout(emulator: Emulator, fault: str) -> None:
    client = hc.Client(make_config(emulator.url, timeout_ms=300, overall_timeout_ms=1000))
    started = time.monotonic()
    with pytest.raises(hc.HyperCheckoutError.Timeout):
        client.create_session(make_request(fault=fault))
    assert time.monotonic() - started < 1.5

