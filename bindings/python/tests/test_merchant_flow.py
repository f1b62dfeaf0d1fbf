"""The merchant's whole flow through the installed wheel and the emulator: create a session,
pay on the emulator's payment page, verify the signed redirect, confirm with the Order Status
API, and ask `check_payment` the real question."""

import asyncio
import urllib.error
import urllib.parse
import urllib.request
from typing import Dict, Tuple

import hypercheckout as hc

from conftest import Emulator, make_request

RESPONSE_KEY = "emulator_response_key"  # the emulator's default signing key


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def pay(emulator: Emulator, juspay_id: str, outcome: str) -> Tuple[str, Dict[str, str]]:
    """POSTs the payment page's form and returns the redirect Location and its params."""
    opener = urllib.request.build_opener(_NoRedirect)
    form = urllib.parse.urlencode({"outcome": outcome}).encode()
    try:
        opener.open(f"{emulator.url}/orders/{juspay_id}/pay", data=form, timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.code
        location = redirect.headers["Location"]
    else:
        raise AssertionError("the payment page did not redirect")
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    return location, params


def test_a_paid_order_is_confirmed_end_to_end(emulator: Emulator, client: hc.Client) -> None:
    request = make_request(amount="42.50")
    session = client.create_session(request)
    assert session.status == "NEW"
    location, params = pay(emulator, session.id, "success")
    assert location.startswith("https://shop.merchant.com/return?")

    assert hc.verify_return_url_signature_from_query(location, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    assert hc.verify_return_url_signature(params, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    tampered = dict(params, status="CHARGED", status_id="21", order_id=params["order_id"] + "x")
    assert hc.verify_return_url_signature(tampered, RESPONSE_KEY) == hc.SignatureVerdict.INVALID

    assert session.routing_id == hc.routing_id(request) == request.customer_id
    status = client.get_order_status(request.order_id, session.routing_id)
    assert status.order_id == request.order_id
    assert status.status.is_paid()
    assert status.status.wire_name() == "CHARGED"
    assert hc.amounts_equal(status.amount or "", "42.50")

    verdict = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, "42.50")
    assert verdict.is_paid(), verdict
    wrong_amount = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, "42.51")
    assert wrong_amount.is_amount_mismatch(), wrong_amount
    # Without the redirect (a webhook, a reconciliation job): the order status alone.
    assert hc.check_order_payment(status, request.order_id, "42.50").is_paid()
    assert hc.check_order_payment(status, request.order_id, "42.50", "INR").is_paid()
    other = hc.check_order_payment(status, "another-order", "42.50")
    assert isinstance(other, hc.PaymentVerdict.ORDER_ID_MISMATCH), other
    assert other.redirect_order_id is None and other.status_order_id == request.order_id


def test_a_failed_payment_is_not_paid(emulator: Emulator, client: hc.Client) -> None:
    request = make_request()
    session = client.create_session(request)
    _, params = pay(emulator, session.id, "failure")
    assert hc.verify_return_url_signature(params, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    status = client.get_order_status(request.order_id, session.routing_id)
    assert not status.status.is_paid()
    verdict = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, request.amount)
    assert verdict.is_not_charged(), verdict


def test_order_status_async_and_not_found(client: hc.Client) -> None:
    async def run() -> None:
        request = make_request()
        session = await client.create_session_async(request)
        status = await client.get_order_status_async(request.order_id, session.routing_id)
        assert status.status.wire_name() == "NEW"
        try:
            await client.get_order_status_async("no-such-order-1", session.routing_id)
        except hc.HyperCheckoutError.NotFound as error:
            assert error.http_status in (400, 404)  # Juspay: 400 with "status": "NOT_FOUND"
            assert error.body_excerpt, "the body is kept"
        else:
            raise AssertionError("an unknown order must be NotFound")

    asyncio.run(run())


def test_refunded_order_is_not_paid() -> None:
    """A CHARGED order refunded in full or in part keeps status CHARGED; the verdicts say so
    (issue 10). Juspay's own shape: `refunded`, `amount_refunded`, `refunds[]` with `ref`."""
    body = (
        '{"order_id": "o-ref", "id": "ordeh_1", "status": "CHARGED", "status_id": "21", '
        '"amount": 100, "currency": "INR", "refunded": %s, "amount_refunded": %s, '
        '"effective_amount": %s, "refunds": [{"unique_request_id": "r1", "ref": "arn-ref", '
        '"status": "SUCCESS", "amount": %s, "sent_to_gateway": true}]}'
    )
    full = hc.parse_order_status_response(200, {}, body % ("true", "100", "0", "100"))
    assert full.status_id == 21, "a status_id sent as a string parses"
    assert full.refunded is True and full.amount_refunded == "100"
    assert [r.reference for r in full.refunds] == ["arn-ref"]
    verdict = hc.check_order_payment(full, "o-ref", "100")
    assert isinstance(verdict, hc.PaymentVerdict.REFUNDED), verdict
    assert verdict.amount_refunded == "100" and not verdict.is_paid()

    part = hc.parse_order_status_response(200, {}, body % ("false", "40", "60", "40"))
    verdict = hc.check_order_payment(part, "o-ref", "100")
    assert isinstance(verdict, hc.PaymentVerdict.PARTIALLY_REFUNDED), verdict
    assert (verdict.amount_refunded, verdict.effective_amount) == ("40", "60")

    partial = hc.parse_order_status_response(
        200, {}, '{"order_id": "o-p", "status": "PARTIAL_CHARGED", "status_id": 37, "amount": "10.00"}'
    )
    assert partial.status == hc.OrderState.PARTIAL_CHARGED()
    verdict = hc.check_order_payment(partial, "o-p", "10.00")
    assert isinstance(verdict, hc.PaymentVerdict.PARTIALLY_CHARGED), verdict


def test_order_status_input_is_validated_before_sending(emulator: Emulator, client: hc.Client) -> None:
    """Dot segments, overlong or control-character order ids and routing ids that cannot be
    a header are Validation errors; nothing reaches the server (issue 11, items 3, 4, 6)."""
    total_before = emulator.stats("")["total"]
    for order_id, routing in [
        (".", "c1"), ("..", "c1"), ("o" * 129, "c1"), ("a\nb", "c1"), ("a\x00b", "c1"),
        ("o-1", "jos\u00e9"), ("o-1", "r\r\nx"), ("o-1", ""),
    ]:
        try:
            client.get_order_status(order_id, routing)
        except hc.HyperCheckoutError.Validation as error:
            assert error.violations, (order_id, routing)
            assert len(str(error)) < 2000
        else:
            raise AssertionError(f"{order_id[:10]!r}/{routing!r} was accepted")
    assert emulator.stats("")["total"] == total_before
