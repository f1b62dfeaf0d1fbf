#!/usr/bin/env python3
"""Create a HyperCheckout session (blocking and asyncio) with the `hypercheckout` package.

Credentials come from JUSPAY_MERCHANT_ID and JUSPAY_API_KEY (as for the `hypercheckout`
command; then it calls the Juspay sandbox, or production with --env production). Without
them it starts the local emulator (cargo build -p hypercheckout-emulator) and never calls
Juspay with made-up keys; --base-url/HYPERCHECKOUT_BASE_URL points it at a running one.
HYPERCHECKOUT_CLIENT_ID is your payment page client id. Exits non-zero on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from typing import Optional

import hypercheckout as hc
from example_config import add_arguments, client_config


def build_request(client_id: str, order_id: Optional[str] = None) -> hc.SessionRequest:
    order_id = order_id or "ex-" + uuid.uuid4().hex[:12]
    return hc.SessionRequest(
        order_id=order_id,
        amount="100.00",
        customer_id="customer-42",
        payment_page_client_id=client_id,
        action=hc.Action.PAYMENT_PAGE,
        customer_email="test@mail.com",
        customer_phone="9876543210",
        first_name="John",
        last_name="Wick",
        description="Complete your payment",
        return_url="https://shop.merchant.com/return",
        metadata={"JUSPAY:gateway_reference_id": "Merchant_test"},
    )


async def create_async(client: hc.Client, client_id: str) -> hc.Session:
    return await client.create_session_async(build_request(client_id))


def main(argv: Optional[list[str]] = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    add_arguments(parser)
    parser.add_argument("--client-id", default=env("HYPERCHECKOUT_CLIENT_ID", "your_client_id"))
    args = parser.parse_args(argv)

    client = hc.Client(client_config(args, "create-session-example"))

    # Validation happens before anything is sent.
    invalid = build_request(args.client_id)
    invalid.amount = "100.999"
    for violation in hc.validate(invalid):
        print(f"invalid on purpose: {violation.field}: {violation.code}: {violation.message}")

    try:
        session = client.create_session(build_request(args.client_id))
        print(f"blocking: {session.order_id} -> {session.id} {session.payment_link}")
        session = asyncio.run(create_async(client, args.client_id))
        print(f"asyncio:  {session.order_id} -> {session.id} {session.payment_link}")
        print(f"sdk_payload for the mobile SDK: {session.sdk_payload_json[:80]}...")
        # Keep order id, amount and routing id with your order: every Order Status call of
        # this session must send the same x-routing-id.
        status = client.get_order_status(session.order_id, session.routing_id)
        print(f"order status: {status.status.wire_name()} (routing id {session.routing_id})")
        if status.status == hc.OrderState.NEW:
            print("not paid yet: open the payment link")
    except hc.HyperCheckoutError.Validation as e:
        for v in e.violations:
            print(f"invalid request: {v.field}: {v.message}", file=sys.stderr)
        return 2
    except hc.HyperCheckoutError as e:
        # str(e) is a sentence: what failed, the HTTP status, Juspay's code and message,
        # the request id; the fields (e.http_status, e.error_code, e.reason, ...) stay there.
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        if e.error_info is not None:
            print(f"  Juspay says: {e.error_info.developer_message or e.error_info.user_message}",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
