"""Canary key: no exception text, repr, traceback, log record or stray output contains the
API key."""

from __future__ import annotations

import asyncio
import logging
import traceback
import uuid
from typing import Any, List

import pytest

import hypercheckout as hc
from conftest import MERCHANT_ID, make_config, make_request

CANARY = "sk_canary_" + uuid.uuid4().hex


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def texts_of(error: BaseException) -> List[str]:
    return [
        str(error),
        repr(error),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        repr(vars(error)),
    ]


def test_canary_key_never_leaks(spawn_emulator: Any, capfd: Any) -> None:
    root = logging.getLogger()
    capture = Capture()
    old_level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    texts: List[str] = []
    try:
        # An emulator that knows the canary key, so faults happen on authenticated calls,
        # and one that does not, for the 401 path.
        emu = spawn_emulator("--merchant-id", MERCHANT_ID, "--api-key", CANARY)
        config = make_config(emu.url, api_key=CANARY, timeout_ms=300, overall_timeout_ms=2000)
        texts += [str(config), repr(config), f"{config}", repr([config])]
        client = hc.Client(config)
        texts += [repr(client), str(client)]

        session = client.create_session(make_request())
        texts += [repr(session), str(session), session.sdk_payload_json]

        for fault in ["500", "503;retry-after=0", "429;retry-after=0", "hang", "reset",
                      "malformed-json", "html", "oversized"]:
            with pytest.raises(hc.HyperCheckoutError) as info:
                client.create_session(make_request(fault=fault))
            texts += texts_of(info.value)

        async def failing() -> None:
            await client.create_session_async(make_request(fault="malformed-json"))

        with pytest.raises(hc.HyperCheckoutError) as info:
            asyncio.run(failing())
        texts += texts_of(info.value)

        with pytest.raises(hc.HyperCheckoutError.Validation) as info:
            client.create_session(make_request(amount="-1"))
        texts += texts_of(info.value)

        other = spawn_emulator()  # default credentials: the canary is refused
        with pytest.raises(hc.HyperCheckoutError.Authentication) as info:
            hc.Client(make_config(other.url, api_key=CANARY)).create_session(
                make_request()
            )
        texts += texts_of(info.value)

        for bad in [CANARY + "\n", CANARY + "\x00"]:
            with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
                hc.Client(make_config(emu.url, api_key=bad))
            texts += texts_of(info.value)
        with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
            hc.Client(make_config("http://example.com", api_key=CANARY))
        texts += texts_of(info.value)
    finally:
        root.removeHandler(capture)
        root.setLevel(old_level)

    texts += [r.getMessage() for r in capture.records]
    texts += [repr(r.__dict__) for r in capture.records]
    out, err = capfd.readouterr()
    texts += [out, err]
    assert len(texts) > 40
    leaks = [t for t in texts if CANARY in t]
    assert not leaks, leaks
    assert "[redacted]" in repr(config)
