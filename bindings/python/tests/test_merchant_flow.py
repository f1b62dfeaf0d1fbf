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
    session = client.create_session_blocking(request)
    assert session.status == "NEW"
    location, params = pay(emulator, session.id, "success")
    assert location.startswith("https://shop.merchant.com/return?")

    assert hc.verify_return_url_signature_from_query(location, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    assert hc.verify_return_url_signature(params, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    tampered = dict(params, status="CHARGED", status_id="21", order_id=params["order_id"] + "x")
    assert hc.verify_return_url_signature(tampered, RESPONSE_KEY) == hc.SignatureVerdict.INVALID

    status = client.get_order_status_blocking(request.order_id, hc.routing_id(request))
    assert status.order_id == request.order_id
    assert status.status.is_paid()
    assert status.status.wire_name() == "CHARGED"
    assert hc.amounts_equal(status.amount or "", "42.50")

    verdict = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, "42.50")
    assert verdict.is_paid(), verdict
    wrong_amount = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, "42.51")
    assert wrong_amount.is_amount_mismatch(), wrong_amount


def test_a_failed_payment_is_not_paid(emulator: Emulator, client: hc.Client) -> None:
    request = make_request()
    session = client.create_session_blocking(request)
    _, params = pay(emulator, session.id, "failure")
    assert hc.verify_return_url_signature(params, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    status = client.get_order_status_blocking(request.order_id, hc.routing_id(request))
    assert not status.status.is_paid()
    verdict = hc.check_payment(params, RESPONSE_KEY, status, request.order_id, request.amount)
    assert verdict.is_not_charged(), verdict


def test_order_status_async_and_not_found(client: hc.Client) -> None:
    async def run() -> None:
        request = make_request()
        await client.create_session(request)
        status = await client.get_order_status(request.order_id, hc.routing_id(request))
        assert status.status.wire_name() == "NEW"
        try:
            await client.get_order_status("no-such-order-1")
        except hc.HyperCheckoutError.NotFound as error:
            assert error.http_status == 404
        else:
            raise AssertionError("an unknown order must be NotFound")

    asyncio.run(run())
