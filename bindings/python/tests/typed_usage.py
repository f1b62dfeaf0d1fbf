"""Checked by `mypy --strict` in test_api.py (never run): how a merchant writes typed code."""

from __future__ import annotations

import asyncio
from typing import List, Optional, Tuple

import hypercheckout as hc


def make_client(base_url: Optional[str]) -> hc.Client:
    config = hc.ClientConfig(
        merchant_id="m",
        api_key="k",
        environment=hc.Environment.SANDBOX,
        base_url=base_url,
        timeout_ms=10_000,
        max_retries=1,
        app_name="shop",
        app_version="1.2.3",
    )
    return hc.Client(config)


def request() -> hc.SessionRequest:
    return hc.SessionRequest(
        order_id="order-1",
        amount="10.00",
        customer_id="c-1",
        payment_page_client_id="client",
        action=hc.Action.PAYMENT_PAGE(),
        metadata={"JUSPAY:gateway_reference_id": "ref"},
        create_mandate=hc.CreateMandate.OPTIONAL,
        mandate=hc.Mandate(max_amount="100.00", frequency=hc.MandateFrequency.MONTHLY, rule_value="1"),
        udf1="x",
        extra_fields={"theme": "dark"},
        payment_filter='{"allowDefaultOptions": true}',
        extra_json={"send_mail": "true"},
    )


def problems(r: hc.SessionRequest) -> List[Tuple[str, str, str]]:
    return [(v.field, v.code, v.message) for v in hc.validate(r)]


def sync_call(client: hc.Client) -> str:
    try:
        session: hc.Session = client.create_session(request())
    except hc.HyperCheckoutError.Validation as e:
        return ",".join(v.field for v in e.violations)
    except hc.HyperCheckoutError.RateLimited as e:
        status: int = e.http_status
        wait: Optional[int] = e.retry_after_seconds
        return f"{status} {wait}"
    except (hc.HyperCheckoutError.Timeout, hc.HyperCheckoutError.Connection) as e:
        return e.reason
    except hc.HyperCheckoutError.UnexpectedResponse as e:
        return e.body_excerpt
    except hc.HyperCheckoutError.InvalidRequest as e:
        excerpt: str = e.body_excerpt
        info: Optional[hc.ErrorInfo] = e.error_info
        fields = [(f.field_name, f.reason) for f in info.fields] if info else []
        return f"{excerpt} {info.developer_message if info else None} {fields}"
    except hc.HyperCheckoutError as e:
        code: Optional[str] = e.error_code
        maybe_status: Optional[int] = e.http_status
        return f"{code} {maybe_status} {e.error_message} {e.request_id} {e.body_excerpt} {e}"
    token: Optional[str] = session.sdk_payload.payload.client_auth_token
    expiry: Optional[str] = session.payment_link_expiry or session.sdk_payload.expiry
    return session.payment_link + (token or "") + session.sdk_payload_json + (expiry or "")


def order_check(client: hc.Client, session: hc.Session, amount: str) -> bool:
    status: hc.OrderStatus = client.get_order_status(session.order_id, session.routing_id)
    refunds: List[hc.Refund] = status.refunds
    card: Optional[hc.CardSummary] = status.card
    txn: Optional[hc.TxnDetail] = status.txn_detail
    del refunds, card, txn
    verdict: hc.PaymentVerdict = hc.check_order_payment(status, session.order_id, amount, "INR")
    return verdict.is_paid()


async def async_call(client: hc.Client) -> List[str]:
    sessions = await asyncio.gather(*(client.create_session_async(request()) for _ in range(3)))
    return [s.id for s in sessions]


def helpers() -> hc.Session:
    r = hc.parse_session_request('{"order_id": "o", "amount": "1"}')
    body: str = hc.session_request_to_json(r)
    rid: str = hc.routing_id(r)
    version: str = hc.sdk_version()
    del body, rid, version
    return hc.parse_session_response(200, {"content-type": "application/json"}, "{}")


def python_habits(client: hc.Client, order_id: str, routing_id: str) -> str:
    """Issue 12's idioms type-check under --strict (strict equality included)."""
    import dataclasses
    import decimal

    r = hc.SessionRequest(order_id="o-1", amount=decimal.Decimal("1.00"), action=hc.Action.QUICK_PAY)
    r2: hc.SessionRequest = dataclasses.replace(r, amount="2.00")
    fields: List[str] = [f.name for f in dataclasses.fields(r2)]
    del fields
    with client:
        status = client.get_order_status(order_id, routing_id)
    if status.status == hc.OrderState.CHARGED:
        return "paid"
    if status.status in (hc.OrderState.NEW, hc.OrderState.PENDING_VBV):
        return "waiting"
    reason: Optional[str] = hc.HyperCheckoutError.Timeout(reason="x").reason
    return reason or status.status.wire_name()


async def async_habits(config: hc.ClientConfig) -> hc.OrderStatus:
    async with hc.Client(config) as client:
        session = await client.create_session_async(request())
        return await client.get_order_status_async(session.order_id, session.routing_id)
