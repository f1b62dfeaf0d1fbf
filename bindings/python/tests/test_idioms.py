"""Issue 12: the package follows Python habits (errors as sentences, one enum style, honest
dataclasses, checked constructors, Decimal amounts, redacted reprs, sync names unsuffixed,
no blocking call inside an event loop, Client as a context manager)."""

from __future__ import annotations

import asyncio
import dataclasses
import decimal
import enum
import inspect
import json
import warnings
from typing import Any, Dict, List

import pytest

import hypercheckout as hc
from conftest import Emulator, make_config, make_request
from hypercheckout import _idioms
from hypercheckout._native import hypercheckout as native

CANARY_TOKEN = "tkn_CANARY_7f3a9"
CANARY_EMAIL = "canary.7f3a9@mail.example"
CANARY_PHONE = "9000017f3a"


def test_idioms_are_installed() -> None:
    """False means the generated module changed shape (a uniffi upgrade): update _idioms.py."""
    assert getattr(hc, "_IDIOMS") is True
    assert {hc.Action, hc.OrderState, hc.PaymentVerdict, hc.WebhookEventName} <= set(
        _idioms.data_enums(native)
    ), "an enum with data lost its variants"


# --- errors -----------------------------------------------------------------------------


def test_error_text_is_a_sentence_with_the_request_id(client: hc.Client) -> None:
    session = client.create_session(make_request())
    with pytest.raises(hc.HyperCheckoutError) as info:
        client.get_order_status("no-such-order-12", session.routing_id)
    e = info.value
    assert isinstance(e, hc.HyperCheckoutError.NotFound)
    text = str(e)
    assert "=" not in text.split("[")[0], text  # not a field dump
    assert text.startswith(("not found (HTTP", "request rejected (HTTP")), text
    if e.request_id:
        assert f"[request id {e.request_id}]" in text, text
    assert e.http_status in (400, 404) and e.body_excerpt  # fields stay attributes
    assert e.reason is None  # the base's uniform attributes


def test_every_kinds_reason_reachable_from_the_base() -> None:
    with pytest.raises(hc.HyperCheckoutError) as info:
        hc.Client(make_config("http://127.0.0.1:1", merchant_id=""))
    e: hc.HyperCheckoutError = info.value
    assert isinstance(e, hc.HyperCheckoutError.Configuration)
    assert str(e).startswith("invalid configuration: ") and "merchant_id" in str(e)
    assert e.reason and "merchant_id" in e.reason and e.http_status is None
    timeout = hc.HyperCheckoutError.Timeout(reason="no answer within 30000 ms")
    as_base: hc.HyperCheckoutError = timeout
    assert as_base.reason == "no answer within 30000 ms" and as_base.retry_after_seconds is None
    assert str(as_base) == "timed out: no answer within 30000 ms"


def test_connection_error_sentence_keeps_the_reason() -> None:
    client = hc.Client(make_config("http://127.0.0.1:9", max_retries=0, overall_timeout_ms=3000))
    with pytest.raises(hc.HyperCheckoutError) as info:
        client.create_session(make_request())
    e = info.value
    assert isinstance(e, hc.HyperCheckoutError.Connection), repr(e)
    assert str(e) == f"connection failed: {e.reason}"
    assert "http_status=None" not in str(e)


# --- enums --------------------------------------------------------------------------------


def test_every_enum_compares_with_eq_by_its_bare_name() -> None:
    for enum_cls, units in _idioms.unit_variants(native).items():
        for variant in units:
            value = variant()
            assert value == variant and variant == value, variant
            assert not (value != variant)
            assert hash(value) == hash(variant())
            for other in units:
                if other is not variant:
                    assert value != other, (variant, other)
            assert isinstance(value, enum_cls) and not dataclasses.is_dataclass(value)
    flat = [getattr(hc, n) for n in hc.__all__
            if isinstance(getattr(hc, n), type) and issubclass(getattr(hc, n), enum.Enum)]
    assert {hc.Environment, hc.SignatureVerdict, hc.CreateMandate} <= set(flat)


def test_order_status_equals_order_state_member() -> None:
    body = json.dumps({"order_id": "o-12", "id": "ord_1", "status": "CHARGED", "status_id": 21,
                       "amount": 10.0, "currency": "INR"})
    status = hc.parse_order_status_response(200, {}, body)
    assert status.status == hc.OrderState.CHARGED
    assert status.status != hc.OrderState.NEW
    assert status.status in (hc.OrderState.CHARGED, hc.OrderState.AUTO_REFUNDED)
    assert status.status == hc.OrderState.CHARGED()  # the 0.1 spelling still works
    assert {status.status: "paid"}[hc.OrderState.CHARGED()] == "paid"


def test_open_enums_keep_their_other_variant() -> None:
    unknown = hc.parse_order_status_response(
        200, {}, json.dumps({"order_id": "o", "status": "SOMETHING_NEW", "amount": 1})
    ).status
    assert unknown == hc.OrderState.UNKNOWN(name="SOMETHING_NEW")
    assert unknown != hc.OrderState.UNKNOWN(name="OTHER") and unknown != hc.OrderState.CHARGED
    assert unknown != hc.OrderState.UNKNOWN  # a variant with data is a constructor, not a value
    quick = hc.parse_session_request('{"order_id": "o-1", "amount": "1", "action": "quickPay"}')
    assert quick.action == hc.Action.QUICK_PAY
    other = hc.parse_session_request('{"order_id": "o-1", "amount": "1", "action": "newThing"}')
    assert other.action == hc.Action.OTHER(name="newThing") and other.action != hc.Action.QUICK_PAY


MATCH_SOURCE = '''
def classify(state):
    match state:
        case hc.OrderState.CHARGED:
            return "paid"
        case hc.OrderState.NEW | hc.OrderState.PENDING_VBV:
            return "waiting"
        case hc.OrderState.UNKNOWN(name=name):
            return "unknown " + name
        case _:
            return "other"

def verdict(v):
    match v:
        case hc.SignatureVerdict.VALID:
            return "valid"
        case hc.PaymentVerdict.PARTIALLY_REFUNDED(effective_amount=keep):
            return "keeps " + keep
        case hc.PaymentVerdict.PAID:
            return "paid"
        case _:
            return "?"
'''


def test_match_statement_works_for_both_enum_kinds() -> None:
    namespace: Dict[str, Any] = {"hc": hc}
    exec(compile(MATCH_SOURCE, "<match>", "exec"), namespace)  # `match` needs Python 3.10
    classify, verdict = namespace["classify"], namespace["verdict"]
    assert classify(hc.OrderState.CHARGED()) == "paid"
    assert classify(hc.OrderState.PENDING_VBV()) == "waiting"
    assert classify(hc.OrderState.UNKNOWN(name="X")) == "unknown X"
    assert classify(hc.OrderState.VOIDED()) == "other"
    assert verdict(hc.SignatureVerdict.VALID) == "valid"
    assert verdict(hc.PaymentVerdict.PAID()) == "paid"
    fields = [p for p in inspect.signature(hc.PaymentVerdict.PARTIALLY_REFUNDED.__init__).parameters
              if p != "self"]
    args = {f: "1.00" for f in fields}
    args["effective_amount"] = "6.00"
    assert verdict(hc.PaymentVerdict.PARTIALLY_REFUNDED(**args)) == "keeps 6.00"


# --- records ------------------------------------------------------------------------------


def _records() -> List[type]:
    return [getattr(hc, n) for n in hc.__all__
            if isinstance(getattr(hc, n), type) and dataclasses.is_dataclass(getattr(hc, n))]


def test_records_are_honest_dataclasses() -> None:
    records = _records()
    assert hc.SessionRequest in records and hc.OrderStatus in records and len(records) >= 15
    for cls in records:
        params = [p for p in inspect.signature(cls).parameters]
        assert [f.name for f in dataclasses.fields(cls)] == params, cls
    request = make_request(amount="2.00", metadata={"k": "v"})
    as_dict = dataclasses.asdict(request)
    assert as_dict["amount"] == "2.00" and as_dict["metadata"] == {"k": "v"}
    assert as_dict["action"] == hc.Action.PAYMENT_PAGE()
    changed = dataclasses.replace(request, amount="3.00")
    assert changed.amount == "3.00" and changed.order_id == request.order_id
    assert changed != request and dataclasses.replace(changed, amount="2.00") == request
    with pytest.raises(TypeError, match="amount"):
        dataclasses.replace(request, amount=3.5)
    assert dataclasses.asdict(hc.OrderState.UNKNOWN(name="X")) == {"name": "X"}
    assert "<object object" not in str(inspect.signature(hc.SessionRequest))


def test_constructor_checks_every_argument_by_name() -> None:
    with pytest.raises(TypeError) as info:
        hc.SessionRequest(order_id=12, amount="1.00", udf1=3, metadata={"k": 1})  # type: ignore[arg-type]
    text = str(info.value)
    assert "order_id must be str, not int" in text
    assert "udf1 must be" in text and "metadata must be" in text  # all at once
    with pytest.raises(TypeError, match="environment"):
        hc.ClientConfig(merchant_id="m", api_key="k", environment="sandbox")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_retries"):
        make_config("http://127.0.0.1:1", max_retries=True)
    with pytest.raises(TypeError, match="frequency"):
        hc.Mandate(frequency="MONTHLY")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keyword"):
        hc.Violation("f", "c", "m")  # type: ignore[misc]


def test_decimal_amounts_convert_exactly() -> None:
    cases = {
        decimal.Decimal("1.00"): "1.00",
        decimal.Decimal("1E+2"): "100",
        decimal.Decimal("0.10"): "0.10",
        decimal.Decimal("12345678901234567.89"): "12345678901234567.89",
        250: "250",
    }
    for given, text in cases.items():
        request = hc.SessionRequest(order_id="o-1", amount=given)
        assert request.amount == text, given
    assert hc.validate(hc.SessionRequest(order_id="o-1", amount=decimal.Decimal("10.50"),
                                         payment_page_client_id="c")) == []
    body = json.loads(hc.session_request_to_json(hc.SessionRequest(order_id="o", amount=decimal.Decimal("9.99"))))
    assert body["amount"] == "9.99"
    assert hc.Mandate(max_amount=decimal.Decimal("500.00")).max_amount == "500.00"
    for bad in (1.5, decimal.Decimal("NaN"), decimal.Decimal("Infinity"), True, None):
        with pytest.raises(TypeError, match="amount must be str, decimal.Decimal or int"):
            hc.SessionRequest(order_id="o-1", amount=bad)  # type: ignore[arg-type]


def test_reprs_hide_token_email_and_phone(client: hc.Client) -> None:
    request = make_request(customer_email=CANARY_EMAIL, customer_phone=CANARY_PHONE,
                           get_client_auth_token=True)
    session = client.create_session(request)
    body = json.dumps({
        "status": "NEW", "id": "ordeh_1", "order_id": "o-1",
        "payment_links": {"web": "https://api.juspay.in/orders/ordeh_1/payment-page"},
        "sdk_payload": {"requestId": "r", "service": "in.juspay.hyperpay", "payload": {
            "clientAuthToken": CANARY_TOKEN, "customerEmail": CANARY_EMAIL,
            "customerPhone": CANARY_PHONE, "orderId": "o-1"}},
    })
    parsed = hc.parse_session_response(200, {}, body)
    assert parsed.sdk_payload.payload.client_auth_token == CANARY_TOKEN  # the value is there
    status = hc.parse_order_status_response(200, {}, json.dumps({
        "order_id": "o-1", "status": "NEW", "amount": 1, "customer_email": CANARY_EMAIL,
        "customer_phone": CANARY_PHONE}))
    event = hc.parse_webhook(json.dumps({"id": "evt_1", "event_name": "ORDER_SUCCEEDED",
                                         "content": {"order": {"order_id": "o-1", "status": "CHARGED",
                                                               "customer_email": CANARY_EMAIL}}}))
    objects = [request, session, session.sdk_payload, session.sdk_payload.payload, parsed,
               parsed.sdk_payload, parsed.sdk_payload.payload, status, event]
    for obj in objects:
        for text in (repr(obj), str(obj), f"{obj}", repr([obj])):
            for canary in (CANARY_TOKEN, CANARY_EMAIL, CANARY_PHONE):
                assert canary not in text, (type(obj).__name__, canary)
    assert "[redacted]" in repr(parsed.sdk_payload.payload) and "o-1" in repr(parsed)


# --- the client ---------------------------------------------------------------------------


def test_sync_names_unsuffixed_async_suffixed(emulator: Emulator) -> None:
    with hc.Client(make_config(emulator.url)) as client:
        request = make_request()
        session = client.create_session(request)
        assert isinstance(session, hc.Session)
        assert client.get_order_status(request.order_id, session.routing_id).status == hc.OrderState.NEW
        assert inspect.iscoroutinefunction(hc.Client.create_session_async)
        assert inspect.iscoroutinefunction(hc.Client.get_order_status_async)
        assert not client.closed
    assert client.closed
    with pytest.raises(RuntimeError, match="closed"):
        client.create_session(make_request())


def test_deprecated_aliases_warn_and_work(client: hc.Client) -> None:
    request = make_request()
    with pytest.warns(DeprecationWarning, match="create_session"):
        session = client.create_session_blocking(request)
    with pytest.warns(DeprecationWarning, match="get_order_status"):
        status = client.get_order_status_blocking(request.order_id, session.routing_id)
    assert status.order_id == request.order_id


def test_blocking_call_inside_a_running_loop_raises(client: hc.Client) -> None:
    async def run() -> None:
        with pytest.raises(RuntimeError, match=r"await client\.create_session_async"):
            client.create_session(make_request())
        with pytest.raises(RuntimeError, match=r"get_order_status_async"):
            client.get_order_status("o-1", "r-1")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with pytest.raises(RuntimeError, match="event loop"):
                client.create_session_blocking(make_request())
        # a worker thread of the loop is not the loop: blocking there is fine
        loop = asyncio.get_running_loop()
        session = await loop.run_in_executor(None, client.create_session, make_request())
        assert session.payment_link

    asyncio.run(run())


def test_async_context_manager(emulator: Emulator) -> None:
    async def run() -> hc.Client:
        async with hc.Client(make_config(emulator.url)) as client:
            session = await client.create_session_async(make_request())
            status = await client.get_order_status_async(session.order_id, session.routing_id)
            assert status.status == hc.OrderState.NEW
        return client

    client = asyncio.run(run())
    assert client.closed and "closed" in repr(client)
    assert "emulator_api_key" not in repr(client)


def test_bare_variant_name_is_accepted_as_a_value() -> None:
    request = hc.SessionRequest(order_id="o-1", amount="1.00", action=hc.Action.QUICK_PAY)
    assert request.action == hc.Action.QUICK_PAY and isinstance(request.action, hc.Action.QUICK_PAY)
    assert json.loads(hc.session_request_to_json(request))["action"] == "quickPay"
    with pytest.raises(TypeError, match="action"):
        hc.SessionRequest(order_id="o-1", amount="1.00", action=hc.Action.OTHER)  # needs its name
    with pytest.raises(TypeError, match="action"):
        hc.SessionRequest(order_id="o-1", amount="1.00", action=hc.OrderState.CHARGED)  # type: ignore[arg-type]
