"""Issue 13 from Python: refunds and mandate operations end to end against the emulator.

The whole merchant flow: session, pay (the payment page's form, as a browser posts it),
verify the signed redirect, order status, refund, the refund settles, the order status shows
it; and a mandate session paid, its mandate read, debited and revoked. Sync and async.
"""

from __future__ import annotations

import asyncio
import decimal
import json
import urllib.request
import uuid
from typing import Dict

import pytest

import hypercheckout as hc
from conftest import Emulator, make_request
from test_merchant_flow import RESPONSE_KEY, pay


def settle(emulator: Emulator, order_id: str, outcome: str = "SUCCESS") -> Dict[str, int]:
    """The emulator's testing aid: settle this order's PENDING refunds now."""
    body = f"order_id={order_id}&outcome={outcome}".encode()
    with urllib.request.urlopen(f"{emulator.url}/__emulator/settle", data=body, timeout=10) as r:
        return json.loads(r.read())  # type: ignore[no-any-return]


def paid_order(emulator: Emulator, client: hc.Client, amount: str = "100.00") -> hc.Session:
    request = make_request(amount=amount)
    session = client.create_session(request)
    _, params = pay(emulator, session.id, "success")
    assert hc.verify_return_url_signature(params, RESPONSE_KEY) == hc.SignatureVerdict.VALID
    status = client.get_order_status(session.order_id, session.routing_id)
    assert status.status == hc.OrderState.CHARGED
    assert hc.check_payment(params, RESPONSE_KEY, status, session.order_id, amount).is_paid()
    return session


def refund_id() -> str:
    return "rf" + uuid.uuid4().hex[:12]


def test_partial_refund_settles_and_shows_in_the_order(emulator: Emulator, client: hc.Client) -> None:
    session = paid_order(emulator, client)
    unique = refund_id()
    order = client.create_refund(hc.RefundRequest(
        order_id=session.order_id, unique_request_id=unique, amount=decimal.Decimal("40.00"),
        routing_id=session.routing_id,
    ))
    (refund,) = [r for r in order.refunds if r.unique_request_id == unique]
    assert refund.status == "PENDING" and refund.amount is not None
    assert decimal.Decimal(refund.amount) == decimal.Decimal("40")

    # The same unique_request_id again (a retry after a lost answer) never refunds twice.
    again = client.create_refund(hc.RefundRequest(
        order_id=session.order_id, unique_request_id=unique, amount="40.00",
        routing_id=session.routing_id,
    ))
    assert len([r for r in again.refunds if r.unique_request_id == unique]) == 1

    assert settle(emulator, session.order_id)["refunds"] == 1
    status = client.get_order_status(session.order_id, session.routing_id)
    (settled,) = [r for r in status.refunds if r.unique_request_id == unique]
    assert settled.status == "SUCCESS"
    assert status.amount_refunded is not None and decimal.Decimal(status.amount_refunded) == 40
    verdict = hc.check_order_payment(status, session.order_id, "100.00")
    assert isinstance(verdict, hc.PaymentVerdict.PARTIALLY_REFUNDED), verdict
    assert verdict.amount_refunded is not None and decimal.Decimal(verdict.amount_refunded) == 40
    # Not asserted: verdict.effective_amount. Juspay's effective_amount is the amount after
    # offers and stays 100 after a refund (the emulator follows Juspay's samples), while the
    # core documents it as "the amount less refunds": reported to the core's owner.


def test_refund_errors_are_typed_and_read_like_sentences(emulator: Emulator, client: hc.Client) -> None:
    session = paid_order(emulator, client, amount="10.00")
    with pytest.raises(hc.HyperCheckoutError.InvalidRequest) as info:
        client.create_refund(hc.RefundRequest(
            order_id=session.order_id, unique_request_id=refund_id(), amount="10.01",
            routing_id=session.routing_id,
        ))
    assert info.value.error_code and "exceeded" in info.value.error_code.lower(), repr(info.value)
    assert str(info.value).startswith("request rejected (HTTP 4")
    with pytest.raises(hc.HyperCheckoutError.Validation) as bad:
        client.create_refund(hc.RefundRequest(
            order_id=session.order_id, unique_request_id="not valid!", amount="-1",
            routing_id=session.routing_id,
        ))
    fields = {v.field for v in bad.value.violations}
    assert {"unique_request_id", "amount"} <= fields, fields  # all at once, nothing sent
    with pytest.raises(TypeError, match="amount"):
        hc.RefundRequest(order_id="o", unique_request_id="u", amount=1.5, routing_id="r")  # type: ignore[arg-type]


def test_full_refund_async(emulator: Emulator, client: hc.Client) -> None:
    session = paid_order(emulator, client, amount="25.00")

    async def run() -> hc.OrderStatus:
        order = await client.create_refund_async(hc.RefundRequest(
            order_id=session.order_id, unique_request_id=refund_id(), amount=None,
            routing_id=session.routing_id,
        ))
        assert order.refunds, order
        settle(emulator, session.order_id)
        return await client.get_order_status_async(session.order_id, session.routing_id)

    status = asyncio.run(run())
    verdict = hc.check_order_payment(status, session.order_id, "25.00")
    assert isinstance(verdict, hc.PaymentVerdict.REFUNDED), verdict


def test_mandate_read_debit_revoke(emulator: Emulator, client: hc.Client) -> None:
    request = make_request(
        amount="1.00",
        create_mandate=hc.CreateMandate.REQUIRED,
        mandate=hc.Mandate(
            max_amount=decimal.Decimal("500.00"), frequency=hc.MandateFrequency.MONTHLY,
            amount_rule=hc.AmountRule.VARIABLE, start_date="1700000000", end_date="2700000000",
        ),
    )
    session = client.create_session(request)
    pay(emulator, session.id, "success")
    order = client.get_order_status(session.order_id, session.routing_id)
    assert order.mandate is not None and order.mandate.mandate_id, order
    mandate_id = order.mandate.mandate_id

    mandate = client.get_mandate(mandate_id, session.routing_id)
    assert mandate.mandate_id == mandate_id and mandate.status == hc.MandateState.ACTIVE, mandate

    debit = client.execute_mandate(hc.MandateExecution(
        order_id="md-" + uuid.uuid4().hex[:10], amount=decimal.Decimal("99.00"),
        customer_id=request.customer_id, mandate_id=mandate_id, routing_id=session.routing_id,
    ))
    assert debit.order_id.startswith("md-") and debit.status != hc.OrderState.UNKNOWN(name=""), debit

    async def revoke() -> hc.MandateDetails:
        return await client.revoke_mandate_async(mandate_id, session.routing_id)

    revoked = asyncio.run(revoke())
    assert revoked.status == hc.MandateState.REVOKED
    assert client.revoke_mandate(mandate_id, session.routing_id).status == hc.MandateState.REVOKED  # idempotent
    assert client.get_mandate(mandate_id, session.routing_id).status == hc.MandateState.REVOKED
