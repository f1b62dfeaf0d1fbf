"""Shared fixtures: the emulator binary as a subprocess, clients, unique requests.

These tests exercise the *installed* wheel (scripts/test-python.sh installs it into a fresh
venv); `test_api.py::test_imported_from_installed_wheel` makes sure of that.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import hypercheckout as hc

REPO = Path(__file__).resolve().parents[3]
TESTDATA = REPO / "testdata"
MERCHANT_ID = "emulator_merchant"
API_KEY = "emulator_api_key"


def emulator_binary() -> str:
    path = os.environ.get("HYPERCHECKOUT_EMULATOR") or str(
        REPO / "target" / "debug" / "hypercheckout-emulator"
    )
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"emulator binary not found at {path}: run `cargo build -p hypercheckout-emulator` "
            "or set HYPERCHECKOUT_EMULATOR",
            pytrace=False,
        )
    return path


class Emulator:
    """One `hypercheckout-emulator` process on a free port."""

    def __init__(self, *args: str, strict: bool = True) -> None:
        # Strict (the documented contract) unless a test needs the faithful default mode.
        mode = ["--strict"] if strict else []
        self.proc = subprocess.Popen(
            [emulator_binary(), "--port", "0", *mode, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self._first_line(timeout=30.0)
        match = re.search(r"https?://\S+", line)
        if not match:
            self.stop()
            raise RuntimeError(f"emulator did not report its address: {line!r}")
        self.url: str = match.group(0).rstrip("/")
        # Keep draining stderr so a verbose emulator can never block on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _first_line(self, timeout: float) -> str:
        result: List[str] = []
        reader = threading.Thread(
            target=lambda: result.append(self.proc.stdout.readline()),  # type: ignore[union-attr]
            daemon=True,
        )
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            self.stop()
            raise RuntimeError("emulator did not start within %ss" % timeout)
        return result[0]

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for _ in self.proc.stderr:
            pass

    def stats(self, routing_id: str) -> Dict[str, int]:
        query = urllib.parse.urlencode({"routing_id": routing_id})
        with urllib.request.urlopen(f"{self.url}/__emulator/stats?{query}", timeout=10) as r:
            data: Dict[str, int] = json.loads(r.read())
        return data

    def count(self, routing_id: str) -> int:
        return self.stats(routing_id)["count"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    emu = Emulator()
    yield emu
    emu.stop()


@pytest.fixture
def spawn_emulator() -> Iterator[Any]:
    """Factory for extra emulator processes (server-wide `--fault`, other credentials)."""
    started: List[Emulator] = []

    def spawn(*args: str, strict: bool = True) -> Emulator:
        emu = Emulator(*args, strict=strict)
        started.append(emu)
        return emu

    yield spawn
    for emu in started:
        emu.stop()


def make_config(base_url: str, **overrides: Any) -> hc.ClientConfig:
    values: Dict[str, Any] = dict(
        merchant_id=MERCHANT_ID,
        api_key=API_KEY,
        environment=hc.Environment.SANDBOX,
        base_url=base_url,
    )
    values.update(overrides)
    return hc.ClientConfig(**values)


@pytest.fixture(scope="session")
def client(emulator: Emulator) -> hc.Client:
    return hc.Client(make_config(emulator.url))


_counter = itertools.count()
_run = uuid.uuid4().hex[:6]


def unique_order_id(prefix: str = "py") -> str:
    """At most 20 characters of [A-Za-z0-9_-], unique per test run."""
    return f"{prefix[:4]}-{_run}-{next(_counter)}"[:20]


def make_request(
    order_id: Optional[str] = None,
    fault: Optional[str] = None,
    prefix: str = "py",
    **fields: Any,
) -> hc.SessionRequest:
    """A valid request with a unique order id (and customer id, so the routing id is unique
    too, which keeps `times=N` faults and `/__emulator/stats` counts per test)."""
    order_id = order_id or unique_order_id(prefix)
    values: Dict[str, Any] = dict(
        order_id=order_id,
        amount="10.00",
        customer_id=f"cust-{order_id}",
        payment_page_client_id="hypercheckout_test",
        action=hc.Action.PAYMENT_PAGE(),
        customer_email="test@mail.com",
        return_url="https://shop.merchant.com/return",
    )
    if fault is not None:
        values["extra_fields"] = {"emulator_fault": fault}
    values.update(fields)
    return hc.SessionRequest(**values)


def load_cases(name: str) -> Dict[str, Any]:
    path = TESTDATA / name
    if not path.is_file():
        pytest.fail(f"conformance file {path} is missing", pytrace=False)
    data: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def pytest_report_header(config: Any) -> str:
    return (
        f"hypercheckout {hc.sdk_version()} from {os.path.dirname(hc.__file__)}; "
        f"python {sys.version.split()[0]}"
    )
