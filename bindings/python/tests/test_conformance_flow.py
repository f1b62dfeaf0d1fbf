"""Merchant-flow conformance vectors (docs/testdata.md "Merchant flow"): signatures.json,
order_status.json, webhooks.json, through the installed binding."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Dict, List

import pytest

import hypercheckout as hc
from conftest import load_cases

SIGNATURES = load_cases("signatures.json")["cases"]
ORDER_STATUS = load_cases("order_status.json")["cases"]
WEBHOOKS = load_cases("webhooks.json")["cases"]
WEBHOOK_AUTH = [c for c in WEBHOOKS if "authorization" in c]
WEBHOOK_BODIES = [c for c in WEBHOOKS if "body" in c]


def ids(cases: List[Dict[str, Any]]) -> List[str]:
    return [c["name"] for c in cases]


def upper_snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()


def test_flow_vectors_are_not_empty() -> None:
    assert SIGNATURES and ORDER_STATUS and WEBHOOK_AUTH and WEBHOOK_BODIES
    assert len(WEBHOOK_AUTH) + len(WEBHOOK_BODIES) == len(WEBHOOKS)


@pytest.mark.parametrize("case", SIGNATURES, ids=ids(SIGNATURES))
def test_signatures(case: Dict[str, Any]) -> None:
    if "params" in case:
        verdict = hc.verify_return_url_signature(case["params"], case["response_key"])
    else:
        verdict = hc.verify_return_url_signature_from_query(case["query"], case["response_key"])
    assert verdict == getattr(hc.SignatureVerdict, upper_snake(case["verdict"]))


def check_order(order: Any, expected: Dict[str, Any], raw: str) -> None:
    for key, want in expected.items():
        if key == "status":
            assert order.status.wire_name() == want
        elif key == "known_status":
            assert (not order.status.is_unknown()) == want
        else:
            assert getattr(order, key) == want, key
    assert order.raw_json == raw


def check_error(error: BaseException, expected: Dict[str, Any]) -> None:
    expected = dict(expected)
    kind = expected.pop("kind")
    assert type(error).__name__ == kind, repr(error)
    violations = expected.pop("violations", None)
    if violations is not None:
        got = Counter((v.field, v.code) for v in error.violations)  # type: ignore[attr-defined]
        assert got == Counter((v["field"], v["code"]) for v in violations)
    for key, want in expected.items():
        assert getattr(error, key) == want, key


@pytest.mark.parametrize("case", ORDER_STATUS, ids=ids(ORDER_STATUS))
def test_order_status(case: Dict[str, Any]) -> None:
    args = (case["http_status"], case["headers"], case["body"])
    if "order" in case:
        check_order(hc.parse_order_status_response(*args), case["order"], case["body"])
    else:
        with pytest.raises(hc.HyperCheckoutError) as info:
            hc.parse_order_status_response(*args)
        check_error(info.value, case["error"])


@pytest.mark.parametrize("case", WEBHOOK_AUTH, ids=ids(WEBHOOK_AUTH))
def test_webhook_auth(case: Dict[str, Any]) -> None:
    got = hc.verify_webhook_auth(case["authorization"], case["username"], case["password"])
    assert got is case["accepted"]


@pytest.mark.parametrize("case", WEBHOOK_BODIES, ids=ids(WEBHOOK_BODIES))
def test_webhook_bodies(case: Dict[str, Any]) -> None:
    if "event" in case:
        event = hc.parse_webhook(case["body"])
        expected = dict(case["event"])
        order = expected.pop("order", "absent")
        for key, want in expected.items():
            if key == "event_name":
                assert event.event_name.wire_name() == want
            elif key == "known_event":
                assert (not event.event_name.is_unknown()) == want
            else:
                assert getattr(event, key) == want, key
        assert event.raw_json == case["body"]
        if order is None:
            assert event.order is None
        elif order != "absent":
            assert event.order is not None
            for key, want in order.items():
                if key == "status":
                    assert event.order.status.wire_name() == want
                elif key == "known_status":
                    assert (not event.order.status.is_unknown()) == want
                else:
                    assert getattr(event.order, key) == want, key
    else:
        with pytest.raises(hc.HyperCheckoutError) as info:
            hc.parse_webhook(case["body"])
        check_error(info.value, case["error"])
