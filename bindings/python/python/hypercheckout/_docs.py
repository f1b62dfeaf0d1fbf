"""Python docstrings where the generated ones are missing or read as Rust (presentation only).

The generated module copies the Rust doc comments, which mostly read fine in Python; the ones
here replace those that show Rust (``Arc``, struct-update syntax, ``Type::Variant`` paths) and
fill in what uniffi leaves bare (the ``is_X`` variant tests). ``tests/test_typing.py`` checks
that every public name has a docstring and none reads as Rust.
"""

from __future__ import annotations

import inspect
import re
from types import ModuleType
from typing import Any, Dict

# Rust-only notation a Python reader should never meet in help().
RUST_TEXT = re.compile(
    r"```|\w::\w|\bArc\b|Option<|Vec<|\bSome\(|\bimpl\b|&str|struct-update|\bu16\b|\bu64\b"
    r"|#\[|Result<|\bcrate\b|\.rs\b|\bpub\b|\bDefault\b"
)

OVERRIDES: Dict[str, str] = {
    "SessionRequest": (
        "Everything ``POST /session`` accepts, as keyword arguments.\n\n"
        "``order_id``, ``amount`` (text such as ``\"100.00\"``, or a ``decimal.Decimal``/``int``: "
        "converted exactly), ``customer_id`` (``\"\"`` for guest checkout) and "
        "``payment_page_client_id`` are what every session needs; everything else is "
        "optional and sent only when set. ``validate(request)`` lists every broken rule; "
        "``Client.create_session`` refuses an invalid request before sending anything.\n\n"
        "Example::\n\n"
        "    request = hc.SessionRequest(\n"
        "        order_id=\"order-1\", amount=Decimal(\"1.00\"), customer_id=\"customer-1\",\n"
        "        payment_page_client_id=\"your_client_id\",\n"
        "        customer_email=\"test@mail.com\", return_url=\"https://shop.merchant.com\",\n"
        "    )\n"
        "    assert hc.validate(request) == []"
    ),
    "ClientConfig": (
        "Everything a ``Client`` needs: ``merchant_id``, ``api_key``, ``environment`` "
        "(``Environment.SANDBOX`` or ``PRODUCTION``; no default), and optionally ``base_url`` "
        "(e.g. the local emulator; plain http only on loopback), timeouts in milliseconds, "
        "``max_retries`` and ``app_name``/``app_version`` for the User-Agent; the network: "
        "``proxy_url`` (http, https, socks5, credentials never shown), ``no_proxy``, "
        "``proxy_from_env`` (default True: ``HTTPS_PROXY``/``NO_PROXY`` apply), "
        "``ca_bundle_pem``, ``trust_os_store``, ``trust_bundled_roots`` (docs/network.md); and "
        "``encryption`` (``EncryptionKeys``) for Juspay's signed and encrypted mode, where "
        "``api_key`` may be empty (docs/encryption.md). ``repr()`` never shows the API key, "
        "a key or the proxy's credentials."
    ),
    "CertificateCheck": (
        "Which check refused the server's TLS certificate: the ``check`` of a "
        "``HyperCheckoutError.Certificate``. ``UNKNOWN_ISSUER`` (not signed by a trusted CA: "
        "behind a TLS-inspecting proxy pass its CA as ``ca_bundle_pem``), ``NAME_MISMATCH``, "
        "``EXPIRED``, ``NOT_YET_VALID``, ``REVOKED``, ``INVALID``."
    ),
    "HyperCheckoutError.Certificate": (
        "The server's TLS certificate (Juspay's, or an https proxy's) was refused; nothing was "
        "sent, and it is not retried. ``check`` (a ``CertificateCheck``) says which check "
        "failed; the usual fix for ``UNKNOWN_ISSUER`` behind a TLS-inspecting proxy is "
        "``ClientConfig(ca_bundle_pem=...)``."
    ),
    "EncryptionKeys": (
        "Encrypted mode's keys (Juspay dashboard: Payments » Settings » Security » JWT Keys): "
        "``merchant_key_id`` and ``merchant_private_key_pem`` (PKCS#8 or PKCS#1, unencrypted, "
        "at least 2048 bits), ``juspay_key_id`` and ``juspay_public_key_pem``. Juspay shows "
        "one key id for a key set: give it as both ids. Checked when the ``Client`` is built "
        "(``HyperCheckoutError.Configuration`` naming the key); ``repr()`` never shows a PEM."
    ),
    "ClientProtocol": (
        "The shape of the generated (native) client, which ``Client`` wraps; kept for code "
        "that typed against it in 0.1. New code uses ``Client``."
    ),
    "OrderState.PARTIAL_CHARGED": (
        "23: only part of the amount was charged. Never paid in full: ``check_order_payment`` "
        "answers ``PaymentVerdict.PARTIALLY_CHARGED``."
    ),
    "WebhookEventName.wire_name": (
        "The event name as Juspay sends it (``ORDER_SUCCEEDED``, or an unknown name as "
        "received)."
    ),
    "SignatureVerdict.is_valid": "Whether the signature is valid (only ``VALID`` is).",
    "MandateState.wire_name": (
        "The status text on the wire (``ACTIVE``, or an unknown name as received)."
    ),
    "OrderState.wire_name": (
        "The ``status`` text on the wire (``CHARGED``, or an unknown name as received)."
    ),
    "InternalError": "An inconsistency inside the FFI layer (a bug in this SDK); please report it.",
}


def _variant_test_doc(enum_name: str, method: str) -> str:
    variant = method[3:].upper()
    return f"Whether this value is ``{enum_name}.{variant}``."


def install(native: ModuleType, data_enums: Dict[type, Any]) -> None:
    for dotted, doc in OVERRIDES.items():
        obj: Any = native
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                break
        if obj is not None:
            try:
                obj.__doc__ = doc
            except (AttributeError, TypeError):
                pass
    protocol = getattr(native, "ClientProtocol", None)
    for name, value in vars(protocol).items() if protocol is not None else ():
        if inspect.isfunction(value) and not name.startswith("_"):
            value.__doc__ = f"The native client's ``{name}``; see ``Client``."
    for enum_cls, variants in data_enums.items():
        for variant in variants:
            # The generator re-creates each variant with type(), which leaves __doc__ empty.
            if not (vars(variant).get("__doc__") or "").strip():
                inherited = next((k.__doc__ for k in variant.__mro__[1:] if k is not enum_cls and k.__doc__), None)
                short = variant.__name__.rsplit(".", 1)[-1]
                variant.__doc__ = inspect.cleandoc(inherited) if inherited else f"``{enum_cls.__name__}.{short}``."
        for name, value in list(vars(enum_cls).items()):
            if name.startswith("is_") and inspect.isfunction(value) and not (value.__doc__ or "").strip():
                value.__doc__ = _variant_test_doc(enum_cls.__name__, name)
