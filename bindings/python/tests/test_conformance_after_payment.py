"""The shared refund and mandate vectors (testdata/refunds.json, mandates.json,
webhooks_refunds_mandates.json; their "about" says what each kind checks), run from Python
against the installed wheel, as core/tests/conformance_after_payment.rs runs them in Rust."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

import hypercheckout as hc
from conftest import load_cases

REFUNDS = load_cases("refunds.json")["cases"]
MANDATES = load_cases("mandates.json")["cases"]
WEBHOOKS = load_cases("webhooks_refunds_mandates.json")["cases"]


def call_dict(call: Any) -> Dict[str, Any]:
    return {k: getattr(call, k) for k in ("method", "path", "content_type", "version", "routing_id", "body")}


def violations(found: List[hc.Violation]) -> List[List[str]]:
    return [[v.field, v.code] for v in found]


def error_dict(error: hc.HyperCheckoutError) -> Dict[str, Optional[str]]:
    return {"kind": type(error).__name__, "status": error.status, "error_code": error.error_code}


def by_kind(cases: List[Dict[str, Any]], kind: str) -> List[Any]:
    chosen = [pytest.param(c, id=c["name"]) for c in cases if c.get("kind") == kind]
    assert chosen, f"no {kind} cases"
    return chosen


@pytest.mark.parametrize("case", by_kind(REFUNDS, "wire"))
def test_refund_wire(case: Dict[str, Any]) -> None:
    assert call_dict(hc.refund_call(hc.RefundRequest(**case["request"]))) == case["call"]


@pytest.mark.parametrize("case", by_kind(REFUNDS, "validation"))
def test_refund_validation(case: Dict[str, Any]) -> None:
    assert violations(hc.validate_refund(hc.RefundRequest(**case["request"]))) == case["violations"]


@pytest.mark.parametrize("case", by_kind(REFUNDS, "answer"))
def test_refund_answer(case: Dict[str, Any]) -> None:
    if "error" in case:
        with pytest.raises(hc.HyperCheckoutError) as info:
            hc.parse_refund_response(case["http_status"], case["headers"], case["body"])
        assert error_dict(info.value) == case["error"]
        return
    order = hc.parse_refund_response(case["http_status"], case["headers"], case["body"])
    expect = case["order"]
    got = {
        "order_id": order.order_id,
        "status": order.status.wire_name(),
        "amount_refunded": order.amount_refunded,
        "refund_count": len(order.refunds),
        "refunds": [{"unique_request_id": r.unique_request_id, "status": r.status, "amount": r.amount}
                    for r in order.refunds],
    }
    assert {k: got[k] for k in expect} == expect


@pytest.mark.parametrize("case", by_kind(REFUNDS, "find_refund"))
def test_find_refund(case: Dict[str, Any]) -> None:
    order = hc.parse_order_status_response(200, {}, case["order_body"])
    found = hc.find_refund(order, hc.RefundRequest(**case["request"]))
    assert (found is not None) == case["found"]


def _execution(args: Dict[str, Any]) -> hc.MandateExecution:
    return hc.MandateExecution(**args["execution"])


@pytest.mark.parametrize("case", by_kind(MANDATES, "wire"))
def test_mandate_wire(case: Dict[str, Any]) -> None:
    args = case["args"]
    if case["call"] == "status":
        call = hc.mandate_status_call(args["mandate_id"], args["routing_id"])
    elif case["call"] == "revoke":
        call = hc.revoke_mandate_call(args["mandate_id"], args["routing_id"])
    else:
        assert case["call"] == "execute", case["call"]
        call = hc.execute_mandate_call(_execution(args), args["merchant_id"])
    assert call_dict(call) == case["expect"]


@pytest.mark.parametrize("case", by_kind(MANDATES, "validation"))
def test_mandate_validation(case: Dict[str, Any]) -> None:
    args = case["args"]
    if case["call"] == "lookup":
        found = hc.validate_mandate_lookup(args["mandate_id"], args["routing_id"])
    else:
        assert case["call"] == "execution", case["call"]
        found = hc.validate_mandate_execution(_execution(args))
    assert violations(found) == case["violations"]


def _status_fields(value: Any, other: type) -> Dict[str, Any]:
    return {"status": value.wire_name(), "known_status": not isinstance(value, other)}


@pytest.mark.parametrize("case", by_kind(MANDATES, "answer"))
def test_mandate_answer(case: Dict[str, Any]) -> None:
    parse = hc.parse_mandate_response if case["parse"] == "mandate" else hc.parse_mandate_execution_response
    if "error" in case:
        with pytest.raises(hc.HyperCheckoutError) as info:
            parse(case["http_status"], case["headers"], case["body"])
        assert error_dict(info.value) == case["error"]
        return
    result = parse(case["http_status"], case["headers"], case["body"])
    expect = case[case["parse"]]
    other = hc.MandateState.OTHER if case["parse"] == "mandate" else hc.OrderState.UNKNOWN
    got = dict(_status_fields(result.status, other))
    for key in expect:
        if key not in got:
            assert hasattr(result, key), f"{type(result).__name__} has no {key}"
            got[key] = getattr(result, key)
    assert {k: got[k] for k in expect} == expect


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"]) for c in WEBHOOKS])
def test_refund_and_mandate_webhooks(case: Dict[str, Any]) -> None:
    event = hc.parse_webhook(case["body"])
    order = event.order
    mandate = getattr(event, "mandate", None)
    got = {
        "id": event.id,
        "event_name": event.event_name.wire_name(),
        "known_event": not isinstance(event.event_name, hc.WebhookEventName.UNKNOWN),
        "order_id": order.order_id if order else None,
        "order_status": order.status.wire_name() if order else None,
        "refund_statuses": [r.status for r in order.refunds] if order else [],
        "mandate_id": mandate.mandate_id if mandate else None,
        "mandate_status": mandate.status.wire_name() if mandate else None,
    }
    assert {k: got[k] for k in case["event"]} == case["event"]
