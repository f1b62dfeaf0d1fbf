#!/usr/bin/env python3
"""A tiny merchant backend doing the whole flow with the `hypercheckout` package.

Creates a session, serves the return_url, verifies the signed redirect, confirms the order
with the Order Status API and decides with `check_payment`. Standard library only besides
`hypercheckout`.

Against the local emulator (start it so that it sends the customer back to this server;
``--redirect-base`` is an emulator-only testing aid, a real return_url is https on a domain):

    cargo run -p hypercheckout-emulator -- --redirect-base http://127.0.0.1:8765 &
    python examples/python/full_flow.py --base-url http://127.0.0.1:PORT --port 8765 --self-test

``--self-test`` pays on the payment page by itself (an HTTP POST, as the browser would);
without it, open the printed link and click "Pay". Prints ``payment link: URL``, then
``result: signature=VALID status=CHARGED check=paid``, then refunds ``--refund-amount`` and
waits until the refund settles (``refund settled: status=SUCCESS ...``); exits 0 only if the
order is paid and the refund succeeded.

Credentials: JUSPAY_MERCHANT_ID and JUSPAY_API_KEY (then Juspay's sandbox; pass
``--return-url https://...`` that reaches this server, a proxy or tunnel, and
HYPERCHECKOUT_RESPONSE_KEY). Without them it starts the local emulator itself, sending the
customer back to this server; ``--base-url`` points it at one already running.
"""

from __future__ import annotations

import argparse
import decimal
import html
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import IO, Optional

import hypercheckout as hc
from example_config import add_arguments, client_config

CUSTOMER_ID = "customer-1"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: object, newurl: str) -> None:
        return None  # let the 302 surface: its Location is the return_url


def pay_like_a_browser(link: str) -> None:
    """What a customer's browser does on the emulator's page: submit "Pay", follow the redirect."""
    with urllib.request.urlopen(link, timeout=10) as page:
        if b'id="pay"' not in page.read():
            raise RuntimeError("the payment page has no pay button")
    pay_url = urllib.parse.urljoin(link, "pay")
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(pay_url, data=b"outcome=success", method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        opener.open(request, timeout=10)
        raise RuntimeError("no redirect after paying")
    except urllib.error.HTTPError as answer:  # a 302 surfaces here without a redirect handler
        if answer.code != 302:
            raise
        location = answer.headers["Location"]
    urllib.request.urlopen(location, timeout=30).read()


def create_session(client: hc.Client, args: argparse.Namespace, order_id: str) -> hc.Session:
    return client.create_session(
        hc.SessionRequest(
            order_id=order_id,
            amount=args.amount,
            customer_id=CUSTOMER_ID,
            payment_page_client_id=args.client_id,
            currency="INR",
            return_url=args.return_url,
            description="Full flow example",
        )
    )


def main(argv: Optional[list[str]] = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    add_arguments(parser)
    parser.add_argument("--response-key", default=env("HYPERCHECKOUT_RESPONSE_KEY", "emulator_response_key"))
    parser.add_argument("--client-id", default=env("HYPERCHECKOUT_CLIENT_ID", "your_client_id"))
    parser.add_argument("--return-url", default="https://shop.merchant.com/return")
    parser.add_argument("--port", type=int, default=8765, help="port of the return_url handler")
    parser.add_argument("--amount", default="149.90")
    parser.add_argument("--wait-seconds", type=float, default=120)
    parser.add_argument("--refund-amount", default="50.00",
                        help="refund this much after the payment and wait for it ('' skips)")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args(argv)

    emulator_args = ["--redirect-base", f"http://127.0.0.1:{args.port}"]
    client = hc.Client(client_config(args, "full-flow-example", emulator_args))

    # Step 0: the session. Keep order id, amount and routing id (session.routing_id) in your
    # database: every Order Status call of this session must send the same x-routing-id.
    order_id = f"ffpy-{os.getpid()}"
    try:
        session = create_session(client, args, order_id)
    except hc.HyperCheckoutError as error:
        print(f"session failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    routing_id = session.routing_id
    outcome: dict[str, bool] = {}


    class ReturnHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            try:
                self.handle_return()
            except Exception as error:  # never leave the customer hanging
                print(f"return handler failed: {type(error).__name__}: {error}", file=sys.stderr)
                outcome.setdefault("paid", False)
                self.reply(500, "internal error")

        def handle_return(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/return":
                self.send_error(404)
                return
            # As a framework hands them over: decoded, one value per name.
            params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))

            # Step 1: is the redirect really from Juspay?
            signature = hc.verify_return_url_signature(params, args.response_key)
            # Step 2: what does the Order Status API say about *our* order?
            try:
                order = client.get_order_status(order_id, routing_id)
            except hc.HyperCheckoutError as error:
                print(f"order status failed: {type(error).__name__}: {error}", file=sys.stderr)
                print(f"result: signature={signature.name} status=unknown check=error", flush=True)
                self.reply(502, "could not confirm the order")
                outcome["paid"] = False
                return
            # Step 3: every check at once: signature, ids, CHARGED, amount, currency, and
            # refunds (a refunded order stays CHARGED; its verdict is REFUNDED or
            # PARTIALLY_REFUNDED, never PAID). Without the redirect (a webhook, a
            # reconciliation job) use hc.check_order_payment(order, order_id, amount, "INR").
            verdict = hc.check_payment(params, args.response_key, order, order_id, args.amount, "INR")
            paid = verdict.is_paid()
            check = "paid" if paid else repr(verdict)
            print(
                f"result: signature={signature.name} status={order.status.wire_name()} check={check}",
                flush=True,
            )
            text = f"Thank you! Order {order_id} is paid." if paid else f"Order {order_id} is not confirmed: {check}"
            self.reply(200, text)
            outcome["paid"] = paid

        def reply(self, code: int, text: str) -> None:
            body = f'<!DOCTYPE html><html><body><p id="result">{html.escape(text)}</p></body></html>'.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *values: object) -> None:  # keep stdout for results
            print(format % values, file=sys.stderr)

    server = HTTPServer(("127.0.0.1", args.port), ReturnHandler)
    server.timeout = 0.2
    print(f"payment link: {session.payment_link}", flush=True)
    print(f"return handler: http://127.0.0.1:{server.server_port}", flush=True)
    if args.self_test:
        threading.Thread(target=pay_like_a_browser, args=(session.payment_link,), daemon=True).start()

    deadline = time.monotonic() + args.wait_seconds
    while "paid" not in outcome:
        if time.monotonic() > deadline:
            print(f"nobody came back within {args.wait_seconds} s", file=sys.stderr)
            return 1
        server.handle_request()
    server.server_close()
    if not outcome["paid"]:
        return 1
    if args.refund_amount:
        return refund_and_wait(client, order_id, routing_id, args)
    return 0


def refund_and_wait(client: hc.Client, order_id: str, routing_id: str, args: argparse.Namespace) -> int:
    """Step 4 (later, e.g. a return): refund part of the order and wait until it settles.

    The unique_request_id is the refund's idempotency key: keep it with the refund in your
    database before calling, and reuse it for every retry of this refund (a retry after a
    lost answer then never refunds twice)."""
    unique_request_id = f"rf{os.getpid()}{int(time.time()) % 100000}"
    try:
        order = client.create_refund(hc.RefundRequest(
            order_id=order_id, unique_request_id=unique_request_id,
            amount=decimal.Decimal(args.refund_amount), routing_id=routing_id,
        ))
        refund = next(r for r in order.refunds if r.unique_request_id == unique_request_id)
        print(f"refund: {unique_request_id} {refund.amount} {refund.status}", flush=True)
        deadline = time.monotonic() + args.wait_seconds
        while refund.status == "PENDING" and time.monotonic() < deadline:
            time.sleep(0.5)  # in production: the ORDER_REFUNDED webhook tells you
            order = client.get_order_status(order_id, routing_id)
            refund = next(r for r in order.refunds if r.unique_request_id == unique_request_id)
    except hc.HyperCheckoutError as error:
        print(f"refund failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    verdict = hc.check_order_payment(order, order_id, args.amount, "INR")
    print(f"refund settled: status={refund.status} amount_refunded={order.amount_refunded} "
          f"verdict={type(verdict).__name__}", flush=True)
    return 0 if refund.status == "SUCCESS" else 1


if __name__ == "__main__":
    sys.exit(main())
