#!/usr/bin/env python3
"""The SDK's logs in Python's `logging`, and request metrics from `set_request_listener`.

Configures logging at DEBUG for the `hypercheckout` logger, counts every attempt by
(operation, status) in a plain dict with a latency histogram, and makes one call that the
local emulator answers 429 first (`Retry-After: 0`) so the log shows the attempt, the retry
with its wait, and the answer. With JUSPAY_MERCHANT_ID/JUSPAY_API_KEY it calls the sandbox
instead (no fault then). Exits non-zero on failure. prometheus_client works the same way:
`Counter(...).labels(operation, status).inc()` and `Histogram(...).observe(seconds)` in the
listener.
"""

from __future__ import annotations

import argparse
import bisect
import logging
import sys
import threading
import uuid
from collections import Counter
from typing import List, Optional

import hypercheckout as hc
from example_config import add_arguments, client_config

BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]


class Metrics:
    """What a metrics library would hold: a counter and a latency histogram. The listener
    runs on the SDK's delivery thread, so it takes a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.attempts: Counter[tuple[str, str]] = Counter()
        self.retries: Counter[str] = Counter()
        self.latency_buckets: List[int] = [0] * (len(BUCKETS_MS) + 1)

    def on_request(self, event: hc.RequestEvent) -> None:
        status = str(event.http_status) if event.http_status is not None else event.error_kind or "none"
        with self.lock:
            self.attempts[(event.operation, status)] += 1
            if event.will_retry:
                self.retries[event.error_kind or "unknown"] += 1
            self.latency_buckets[bisect.bisect_left(BUCKETS_MS, event.latency_ms)] += 1


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    add_arguments(parser)
    parser.add_argument("--client-id", default="your_client_id")
    args = parser.parse_args(argv)

    # 1. Logs: configure logging as usual, before the client is made (the SDK reads the
    #    `hypercheckout` logger's level then; hc.refresh_log_level() after later changes).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger(hc.LOGGER_NAME).setLevel(logging.DEBUG)

    # 2. Metrics: one event per attempt, on the SDK's thread, never slowing the call.
    metrics = Metrics()
    hc.set_request_listener(metrics.on_request)

    emulated = not (args.merchant_id and args.api_key)
    client = hc.Client(client_config(args, "observability-example"))
    order_id = "obs-" + uuid.uuid4().hex[:12]
    extra = {"emulator_fault": "429;times=1;retry-after=0"} if emulated else {}
    try:
        session = client.create_session(hc.SessionRequest(
            order_id=order_id, amount="1.00", customer_id="customer-42",
            payment_page_client_id=args.client_id, customer_email="test@mail.com",
            return_url="https://shop.merchant.com/return", extra_fields=extra,
        ))
        client.get_order_status(session.order_id, session.routing_id)
    except hc.HyperCheckoutError as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1
    hc.flush_observers(2000)  # records and events are delivered off the request path

    with metrics.lock:
        for (operation, status), count in sorted(metrics.attempts.items()):
            print(f"hypercheckout_attempts_total{{operation={operation!r}, status={status!r}}} {count}")
        for kind, count in sorted(metrics.retries.items()):
            print(f"hypercheckout_retries_total{{reason={kind!r}}} {count}")
        bounds = [f"le={b}" for b in BUCKETS_MS] + ["le=+Inf"]
        print("latency_ms histogram:", ", ".join(f"{b}: {n}" for b, n in zip(bounds, metrics.latency_buckets) if n))
        total = sum(metrics.attempts.values())
    print("dropped:", hc.observer_stats().events_dropped)
    if emulated and total != 3:
        print(f"expected 3 attempts (429, then 200, then the order status), saw {total}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
