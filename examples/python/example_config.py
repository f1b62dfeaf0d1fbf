"""Where the examples send their calls: Juspay with your credentials, or the local emulator.

Credentials come from ``JUSPAY_MERCHANT_ID`` and ``JUSPAY_API_KEY`` (the same variables as the
``hypercheckout`` command). Without them the examples never call Juspay with made-up keys:
they start the local emulator (``HYPERCHECKOUT_EMULATOR``, or the repository's
``target/debug/hypercheckout-emulator``; ``cargo build -p hypercheckout-emulator`` builds it),
or use ``--base-url``/``HYPERCHECKOUT_BASE_URL`` if one is running already.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import hypercheckout as hc

EMULATOR_MERCHANT_ID = "emulator_merchant"
EMULATOR_API_KEY = "emulator_api_key"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    env = os.environ.get
    parser.add_argument("--merchant-id", default=env("JUSPAY_MERCHANT_ID"),
                        help="default: $JUSPAY_MERCHANT_ID; none: the local emulator")
    parser.add_argument("--api-key", default=env("JUSPAY_API_KEY"),
                        help="default: $JUSPAY_API_KEY (never printed)")
    parser.add_argument("--env", choices=["sandbox", "production"], default="sandbox",
                        help="Juspay environment when credentials are given")
    parser.add_argument("--base-url", default=env("HYPERCHECKOUT_BASE_URL"),
                        help="another endpoint (e.g. an emulator already running)")


def start_emulator(extra: List[str]) -> str:
    """Starts the emulator on a free port for as long as this process runs; returns its URL."""
    binary = os.environ.get("HYPERCHECKOUT_EMULATOR") or str(
        Path(__file__).resolve().parents[2] / "target" / "debug" / "hypercheckout-emulator"
    )
    if not os.access(binary, os.X_OK):
        sys.exit(
            "no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY given and no emulator at "
            f"{binary}: build it with `cargo build -p hypercheckout-emulator` "
            "(or set HYPERCHECKOUT_EMULATOR, or pass --base-url)"
        )
    proc = subprocess.Popen([binary, "--port", "0", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    atexit.register(proc.terminate)
    line = proc.stdout.readline() if proc.stdout is not None else ""
    found = re.search(r"http://\S+", line)
    if not found:
        sys.exit(f"the emulator did not start: {line!r}")
    return found.group(0).rstrip("/")


def client_config(args: argparse.Namespace, app_name: str,
                  emulator_args: Optional[List[str]] = None) -> hc.ClientConfig:
    merchant_id: Optional[str] = args.merchant_id
    api_key: Optional[str] = args.api_key
    base_url: Optional[str] = args.base_url
    if bool(merchant_id) != bool(api_key):
        sys.exit("give both JUSPAY_MERCHANT_ID and JUSPAY_API_KEY, or neither to use the local emulator")
    if not merchant_id or not api_key:
        merchant_id, api_key = EMULATOR_MERCHANT_ID, EMULATOR_API_KEY
        if base_url is None:
            base_url = start_emulator(emulator_args or [])
        print(f"note: no Juspay credentials; using the local emulator at {base_url} (nothing is charged)",
              file=sys.stderr)
    environment = hc.Environment.PRODUCTION if args.env == "production" else hc.Environment.SANDBOX
    return hc.ClientConfig(
        merchant_id=merchant_id,
        api_key=api_key,
        environment=environment,
        base_url=base_url,
        app_name=app_name,
        app_version=hc.sdk_version(),
    )
