"""Juspay's own published bodies (testdata/juspay/, formats in its README.md), through the
installed binding's exported functions, checking the typed fields.

Every session request in Juspay's samples parses, validates clean and goes on the wire as the
sample has it; every session answer, order status, error body and webhook parses with its
typed fields right; `check_order_payment` is right for every order (refunded ones included).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Dict, List, Optional, Tuple

import pytest

import hypercheckout as hc
from conftest import load_cases

SESSION_REQUESTS = load_cases("juspay/session_requests.json")["cases"]
SESSION_RESPONSES = load_cases("juspay/session_responses.json")["cases"]
ORDER_STATUS = load_cases("juspay/order_status.json")["cases"]
ERRORS = load_cases("juspay/errors.json")["cases"]
WEBHOOKS = load_cases("juspay/webhooks.json")["cases"]

BODY_EXCERPT_CHARS = 512


def ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


def pairs(violations: List[Any]) -> Counter[Tuple[str, str]]:
    return Counter(
        (v["field"], v["code"]) if isinstance(v, dict) else (v.field, v.code) for v in violations
    )


def test_corpus_is_complete() -> None:
    """The counts testdata/juspay/README.md states: a file that lost cases fails here."""
    counts = [len(c) for c in (SESSION_REQUESTS, SESSION_RESPONSES, ORDER_STATUS, ERRORS, WEBHOOKS)]
    assert counts == [58, 22, 164, 25, 91]


# --- session_requests.json ---------------------------------------------------------------


def expected_wire(request: Dict[str, Any]) -> Dict[str, Any]:
    """The request itself, with a JSON-number amount as its text and the default action."""
    wire = dict(request)
    amount = wire.get("amount")
    if isinstance(amount, (int, float)) and not isinstance(amount, bool):
        wire["amount"] = str(amount)
    wire.setdefault("action", "paymentPage")
    return wire


@pytest.mark.parametrize("case", SESSION_REQUESTS, ids=ids(SESSION_REQUESTS))
def test_session_request(case: Dict[str, Any]) -> None:
    # Problems found while reading count as violations too (what `hypercheckout validate`
    # reports); absent `violations` means the sample is valid.
    request: Optional[hc.SessionRequest] = None
    try:
        request = hc.parse_session_request(json.dumps(case["request"]))
    except hc.HyperCheckoutError.Validation as e:
        got = list(e.violations)
    else:
        got = hc.validate(request)
    assert pairs(got) == pairs(case.get("violations", [])), [str(v) for v in got]
    if request is not None:
        wire = case.get("wire", expected_wire(case["request"]))
        assert json.loads(hc.session_request_to_json(request)) == wire


# --- session_responses.json --------------------------------------------------------------


@pytest.mark.parametrize("case", SESSION_RESPONSES, ids=ids(SESSION_RESPONSES))
def test_session_response(case: Dict[str, Any]) -> None:
    session = hc.parse_session_response(case["http_status"], {}, case["body"])
    want = case["session"]
    got = {
        "id": session.id,
        "order_id": session.order_id,
        "status": session.status,
        "payment_link": session.payment_link,
        "payment_links_expiry": session.payment_link_expiry,
        "order_expiry": session.order_expiry,
        "sdk_payload_expiry": session.sdk_payload.expiry,
        "client_auth_token_expiry": session.sdk_payload.payload.client_auth_token_expiry,
    }
    assert {k: got[k] for k in want} == want
    assert session.routing_id == "", "a parsed answer was not created with a routing id"
    assert json.loads(session.sdk_payload_json) == json.loads(case["body"])["sdk_payload"]


# --- order_status.json -------------------------------------------------------------------

ORDER_KEYS = {
    # corpus key -> how to read it from an OrderStatus
    "card_last_four": lambda o: o.card.last_four_digits if o.card else None,
    "card_brand": lambda o: o.card.card_brand if o.card else None,
    "card_type": lambda o: o.card.card_type if o.card else None,
    "card_issuer_country": lambda o: o.card.card_issuer_country if o.card else None,
    "refund_count": lambda o: len(o.refunds),
    "status": lambda o: o.status.wire_name(),
}

VERDICTS = {
    "paid": hc.PaymentVerdict.PAID,
    "refunded": hc.PaymentVerdict.REFUNDED,
    "partially_refunded": hc.PaymentVerdict.PARTIALLY_REFUNDED,
    "partially_charged": hc.PaymentVerdict.PARTIALLY_CHARGED,
    "not_charged": hc.PaymentVerdict.NOT_CHARGED,
}


def record_fields(record: Any, want: Optional[Dict[str, Any]], path: str) -> List[str]:
    """Mismatches between a typed record (or None) and the corpus's object (or null)."""
    if want is None:
        return [] if record is None else [f"{path}: {record!r} != None"]
    if record is None:
        return [f"{path}: None != {want!r}"]
    return [
        f"{path}.{key}: {getattr(record, key)!r} != {value!r}"
        for key, value in want.items()
        if getattr(record, key) != value
    ]


def order_mismatches(order: Any, want: Dict[str, Any]) -> List[str]:
    problems: List[str] = []
    for key, value in want.items():
        if key == "refunds":
            got_refunds = list(order.refunds)
            if len(got_refunds) != len(value):
                problems.append(f"refunds: {len(got_refunds)} != {len(value)} entries")
                continue
            for i, (refund, expected) in enumerate(zip(got_refunds, value)):
                problems += record_fields(refund, expected, f"refunds[{i}]")
        elif key == "txn_detail":
            problems += record_fields(order.txn_detail, value, "txn_detail")
        else:
            read = ORDER_KEYS.get(key)
            got = read(order) if read else getattr(order, key)
            if got != value:
                problems.append(f"{key}: {got!r} != {value!r}")
    return problems


@pytest.mark.parametrize("case", ORDER_STATUS, ids=ids(ORDER_STATUS))
def test_order_status(case: Dict[str, Any]) -> None:
    order = hc.parse_order_status_response(case["http_status"], {}, case["body"])
    want = case["order"]
    problems = order_mismatches(order, want)
    if "card" not in json.loads(case["body"]) and order.card is not None:
        problems.append(f"card: {order.card!r} for a body without a card")
    assert not problems, "\n".join(problems)
    assert order.raw_json == case["body"]

    if order.amount is None:
        return  # no amount in the body: nothing to check the payment against
    verdict = hc.check_order_payment(order, order.order_id, order.amount)
    expected = VERDICTS[case["check"]["verdict"]]
    assert isinstance(verdict, expected), f"{verdict} is not {expected.__name__}"


# --- errors.json -------------------------------------------------------------------------

API_KINDS = ("Authentication", "InvalidRequest", "NotFound", "RateLimited", "Server")


def error_view(error: Any) -> Dict[str, Any]:
    info = error.error_info
    return {
        "status": error.status,
        "error_code": error.error_code,
        "error_message": error.error_message,
        "user_message": error.user_message,
        "error_info_code": info.code if info else None,
        "error_info_category": info.category if info else None,
        "developer_message": info.developer_message if info else None,
        "error_info_request_id": info.request_id if info else None,
        "fields": (
            [{"field_name": f.field_name, "reason": f.reason} for f in info.fields]
            if info and info.fields
            else None
        ),
    }


@pytest.mark.parametrize("case", ERRORS, ids=ids(ERRORS))
def test_error_body(case: Dict[str, Any]) -> None:
    parse = (
        hc.parse_order_status_response
        if case["endpoint"] == "order_status"
        else hc.parse_session_response
    )
    with pytest.raises(hc.HyperCheckoutError) as info:
        parse(case["http_status"] or 400, {}, case["body"])
    error = info.value
    assert type(error).__name__ in API_KINDS, repr(error)
    expected = case["error"]
    got = error_view(error)
    assert {k: got.get(k) for k in expected} == expected
    assert error.body_excerpt == case["body"][:BODY_EXCERPT_CHARS]
    assert str(error), "str(e) is a sentence"


# --- webhooks.json -----------------------------------------------------------------------


@pytest.mark.parametrize("case", WEBHOOKS, ids=ids(WEBHOOKS))
def test_webhook(case: Dict[str, Any]) -> None:
    event = hc.parse_webhook(case["body"])
    order = event.order
    got = {
        "id": event.id,
        "event_name": event.event_name.wire_name(),
        "date_created": event.date_created,
        "order_id": order.order_id if order else None,
        "order_status": order.status.wire_name() if order else None,
        "refund_count": len(order.refunds) if order else None,
    }
    want = case["event"]
    assert {k: got[k] for k in want} == want
    assert event.raw_json == case["body"]
