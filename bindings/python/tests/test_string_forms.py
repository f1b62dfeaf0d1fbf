"""What records, enums and errors print (issue 12), from the vectors every language runs
(testdata/redaction.json): no customer e-mail or phone, client auth token, payer VPA, mandate
token or API key in str/repr/f-strings/containers or error text, and enums print Juspay's wire
names."""

from __future__ import annotations

import json
import traceback
from typing import Any, Dict, List

import pytest

import hypercheckout as hc
from conftest import TESTDATA

VECTORS: Dict[str, Any] = json.loads((TESTDATA / "redaction.json").read_text())
CANARIES: Dict[str, str] = VECTORS["canaries"]
HEADERS = {"content-type": "application/json"}


def forms(value: object) -> List[str]:
    texts = [str(value), repr(value), f"{value}", repr([value]), str({"k": value})]
    if isinstance(value, BaseException):
        texts.append("".join(traceback.format_exception(type(value), value, value.__traceback__)))
    return texts


def assert_redacted(label: str, value: object, hides: bool = True) -> None:
    for text in forms(value):
        for name, canary in CANARIES.items():
            assert canary not in text, f"{label} shows {name}: {text}"
        if hides:
            assert VECTORS["redacted"] in text, f"{label} hides nothing: {text}"


def records() -> List[Any]:
    request = hc.parse_session_request(VECTORS["session_request_json"])
    assert request.customer_email == CANARIES["customer_email"]
    session = hc.parse_session_response(200, HEADERS, VECTORS["session_response_body"])
    assert session.sdk_payload.payload.client_auth_token == CANARIES["client_auth_token"]
    order = hc.parse_order_status_response(200, HEADERS, VECTORS["order_status_body"])
    assert order.payer_vpa == CANARIES["payer_vpa"]
    mandate = hc.parse_mandate_response(200, HEADERS, VECTORS["mandate_body"])
    assert mandate.mandate_token == CANARIES["mandate_token"]
    execution = hc.parse_mandate_execution_response(200, HEADERS, VECTORS["mandate_execution_body"])
    events = [hc.parse_webhook(VECTORS[k]) for k in ("order_webhook_body", "mandate_webhook_body")]
    assert events[0].order is not None and events[1].mandate is not None
    config = hc.ClientConfig(merchant_id="merchant", api_key=CANARIES["api_key"],
                             environment=hc.Environment.SANDBOX)
    return [request, session, session.sdk_payload, session.sdk_payload.payload, order, mandate,
            execution, *events, config]


RECORDS = records()


@pytest.mark.parametrize("value", RECORDS, ids=[type(r).__name__ for r in RECORDS])
def test_no_record_prints_customer_data_or_secrets(value: Any) -> None:
    assert_redacted(type(value).__name__, value)


def test_every_record_with_customer_data_is_covered() -> None:
    names = {type(r).__name__ for r in RECORDS}
    assert names >= {"SessionRequest", "Session", "SdkPayload", "SdkPayloadDetails", "OrderStatus",
                     "MandateDetails", "MandateExecutionResult", "WebhookEvent", "ClientConfig"}, names


def test_records_without_secrets_print_all_they_hold() -> None:
    refund = hc.RefundRequest(order_id="order-canary", unique_request_id="r-1", amount="1.00",
                              routing_id="cust-canary")
    assert_redacted("RefundRequest", refund, hides=False)
    assert "unique_request_id='r-1'" in repr(refund)
    execution = hc.MandateExecution(order_id="exec-1", amount="1.00", customer_id="cust-canary",
                                    mandate_id="mdt-canary")
    assert_redacted("MandateExecution", execution, hides=False)


def test_validation_errors_do_not_echo_customer_data() -> None:
    request = hc.parse_session_request(VECTORS["invalid_session_request_json"])
    violations = hc.validate(request)
    fields = {v.field for v in violations}
    assert {"customer_email", "customer_phone"} <= fields, fields
    config = hc.ClientConfig(merchant_id="merchant", api_key=CANARIES["api_key"],
                             environment=hc.Environment.SANDBOX, base_url="http://127.0.0.1:9")
    with hc.Client(config) as client:
        with pytest.raises(hc.HyperCheckoutError.Validation) as caught:
            client.create_session(request)
    for text in forms(caught.value) + forms(violations):
        for name, canary in CANARIES.items():
            assert canary not in text, f"error text shows {name}: {text}"


def test_enums_print_their_wire_names() -> None:
    names = VECTORS["enum_wire_names"]
    values = {
        "order_state_charged": hc.OrderState.CHARGED(),
        "order_state_new": hc.OrderState.NEW(),
        "mandate_state_active": hc.MandateState.ACTIVE(),
        "webhook_event_order_succeeded": hc.WebhookEventName.ORDER_SUCCEEDED(),
        "action_payment_page": hc.Action.PAYMENT_PAGE(),
        "action_quick_pay": hc.Action.QUICK_PAY(),
    }
    for key, value in values.items():
        assert str(value) == names[key], key
        assert f"{value}" == names[key], key
    # As received, from a parsed answer too.
    order = hc.parse_order_status_response(200, HEADERS, VECTORS["order_status_body"])
    assert str(order.status) == names["order_state_charged"]
    assert "SOMETHING_NEW" in str(hc.OrderState.UNKNOWN(name="SOMETHING_NEW"))
