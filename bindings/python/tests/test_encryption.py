"""Encrypted mode (docs/encryption.md): the jose-sealed vectors of testdata/encryption.json,
a session, an order status and a refund against the emulator's /v4 endpoints, spoiled answers
refused as NotAuthentic, key checks, and a canary test that no key material is ever shown."""

from __future__ import annotations

import json
import logging
import traceback
import urllib.error
import urllib.request
from typing import Any, Dict, List

import pytest

import hypercheckout as hc
from conftest import TESTDATA, load_cases, make_config, make_request

VECTORS = load_cases("encryption.json")
KEYS: Dict[str, str] = VECTORS["keys"]
KEYS_FILE = str(TESTDATA / "encryption.json")


def keys(**overrides: str) -> hc.EncryptionKeys:
    values = dict(
        merchant_key_id=KEYS["merchant_key_id"],
        merchant_private_key_pem=KEYS["merchant_private_key_pem"],
        juspay_key_id=KEYS["juspay_key_id"],
        juspay_public_key_pem=KEYS["juspay_public_key_pem"],
    )
    values.update(overrides)
    return hc.EncryptionKeys(**values)


def encrypted_config(url: str, **overrides: Any) -> hc.ClientConfig:
    return make_config(url, api_key="", encryption=keys(), **overrides)


@pytest.mark.parametrize("case", VECTORS["answers"], ids=lambda c: c["name"])
def test_answer_vectors(case: Dict[str, Any]) -> None:
    for k in (keys(), keys(merchant_private_key_pem=KEYS["merchant_private_key_pkcs1_pem"])):
        if case["expect"] == "ok":
            assert hc.decrypt_encrypted_answer(k, case["body"]) == case["plaintext"]
        else:
            with pytest.raises(hc.HyperCheckoutError.NotAuthentic):
                hc.decrypt_encrypted_answer(k, case["body"])


@pytest.mark.parametrize("case", VECTORS["webhooks"], ids=lambda c: c["name"])
def test_webhook_vectors(case: Dict[str, Any]) -> None:
    if case["expect"] == "ok":
        event = hc.parse_encrypted_webhook(keys(), case["body"])
        assert event.event_name.wire_name() == case["event_name"]
        assert event.order is not None and event.order.order_id == case["order_id"]
    else:
        with pytest.raises(hc.HyperCheckoutError.NotAuthentic):
            hc.parse_encrypted_webhook(keys(), case["body"])


@pytest.mark.parametrize("case", VECTORS["config_errors"], ids=lambda c: c["name"])
def test_wrong_keys_are_configuration_errors(case: Dict[str, Any]) -> None:
    bad = keys(**{case["field"]: case["value"]})
    with pytest.raises(hc.HyperCheckoutError.Configuration) as info:
        hc.Client(make_config("http://127.0.0.1:9", api_key="", encryption=bad))
    assert case["reason_contains"] in info.value.reason


def test_sdk_envelope_opens_at_the_emulator_and_back() -> None:
    sealed = hc.encrypt_request_body(keys(), '{"order_id":"o-1"}')
    assert sorted(json.loads(sealed)) == [
        "encryptedKey", "encryptedPayload", "header", "iv", "tag"]


def pay(url: str, order_uuid: str) -> None:
    req = urllib.request.Request(f"{url}/orders/{order_uuid}/pay", data=b"outcome=success",
                                 headers={"content-type": "application/x-www-form-urlencoded"})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(req, timeout=10).close()
    except urllib.error.HTTPError as e:  # the 303 to return_url
        assert 300 <= e.code < 400, e.code


def test_session_order_status_and_refund_in_encrypted_mode(spawn_emulator: Any) -> None:
    emu = spawn_emulator("--encryption-keys", KEYS_FILE)
    with hc.Client(encrypted_config(emu.url)) as client:
        session = client.create_session(make_request(prefix="enc"))
        order = client.get_order_status(session.order_id, session.routing_id)
        assert order.status == hc.OrderState.NEW
        pay(emu.url, session.id)
        order = client.get_order_status(session.order_id, session.routing_id)
        assert order.status == hc.OrderState.CHARGED
        refunded = client.create_refund(hc.RefundRequest(
            order_id=session.order_id, unique_request_id="rf-py-enc",
            routing_id=session.routing_id, amount="1.00"))
        assert [r.unique_request_id for r in refunded.refunds] == ["rf-py-enc"]


def test_async_session_in_encrypted_mode(spawn_emulator: Any) -> None:
    import asyncio

    emu = spawn_emulator("--encryption-keys", KEYS_FILE)

    async def run() -> hc.Session:
        with hc.Client(encrypted_config(emu.url)) as client:
            return await client.create_session_async(make_request(prefix="enca"))

    assert asyncio.run(run()).status == "NEW"


@pytest.mark.parametrize("tamper", ["tag", "payload", "header", "kid", "signature", "alg-none",
                                    "wrong-key", "plain"])
def test_spoiled_answers_are_refused(spawn_emulator: Any, tamper: str) -> None:
    emu = spawn_emulator("--encryption-keys", KEYS_FILE, "--tamper", tamper)
    with hc.Client(encrypted_config(emu.url)) as client:
        request = make_request(prefix="tmp")
        with pytest.raises(hc.HyperCheckoutError.NotAuthentic) as info:
            client.create_session(request)
        assert "HTTP 200" in info.value.reason
        assert emu.count(f"cust-{request.order_id}") == 1  # never retried


def test_no_key_material_in_any_output(spawn_emulator: Any, capfd: Any) -> None:
    root = logging.getLogger()
    records: List[logging.LogRecord] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    capture = Capture()
    root.addHandler(capture)
    old = root.level
    root.setLevel(logging.DEBUG)
    texts: List[str] = []
    try:
        emu = spawn_emulator("--encryption-keys", KEYS_FILE)
        config = encrypted_config(emu.url)
        k = keys()
        texts += [repr(config), str(config), repr(k), str(k), repr([k])]
        client = hc.Client(config)
        texts += [repr(client)]
        texts += [repr(client.create_session(make_request(prefix="can")))]
        errors: List[BaseException] = []
        for tamper in ["tag", "signature", "plain"]:
            bad = spawn_emulator("--encryption-keys", KEYS_FILE, "--tamper", tamper)
            try:
                hc.Client(encrypted_config(bad.url)).create_session(make_request(prefix="can"))
            except hc.HyperCheckoutError as e:
                errors.append(e)
        for case in VECTORS["config_errors"]:
            try:
                hc.Client(make_config(emu.url, api_key="",
                                      encryption=keys(**{case["field"]: case["value"]})))
            except hc.HyperCheckoutError as e:
                errors.append(e)
        for case in VECTORS["webhooks"]:
            try:
                hc.parse_encrypted_webhook(k, case["body"])
            except hc.HyperCheckoutError as e:
                errors.append(e)
        # A lone surrogate in a PEM is refused by the thin layer without echoing it.
        try:
            hc.Client(make_config(emu.url, api_key="", encryption=keys(
                merchant_private_key_pem=KEYS["merchant_private_key_pem"] + "\ud800")))
        except hc.HyperCheckoutError.Configuration as e:
            assert "encryption.merchant_private_key_pem" in e.reason
            errors.append(e)
        assert len(errors) >= 3 + len(VECTORS["config_errors"]) + 1
        for e in errors:
            texts += [str(e), repr(e), repr(vars(e)),
                      "".join(traceback.format_exception(type(e), e, e.__traceback__))]
    finally:
        root.removeHandler(capture)
        root.setLevel(old)
    out, err = capfd.readouterr()
    texts += [out, err] + [r.getMessage() for r in records]
    secrets = [line for name in ("merchant_private_key_pem", "merchant_private_key_pkcs1_pem",
                                 "juspay_private_key_pem", "juspay_public_key_pem")
               for line in KEYS[name].splitlines()
               if not line.startswith("-----") and len(line) > 20]
    assert len(secrets) > 40
    for text in texts:
        for secret in secrets:
            assert secret not in text, text[:300]
        assert "KEY-----\n" not in text
