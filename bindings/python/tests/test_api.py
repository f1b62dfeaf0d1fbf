"""The package itself: installed from the wheel, platform-tagged, typed, documented."""

from __future__ import annotations

import ast
import json
import inspect
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest

import hypercheckout as hc
from conftest import REPO

PACKAGE_DIR = Path(hc.__file__).resolve().parent


def test_imported_from_installed_wheel() -> None:
    assert "site-packages" in str(PACKAGE_DIR), PACKAGE_DIR
    assert REPO / "bindings" / "python" not in PACKAGE_DIR.parents
    assert sys.prefix != sys.base_prefix, "tests must run in a virtualenv"


def wheel_path() -> Path:
    path = os.environ.get("HYPERCHECKOUT_WHEEL")
    if not path:
        pytest.fail("HYPERCHECKOUT_WHEEL is not set (scripts/test-python.sh sets it)", pytrace=False)
    return Path(path)


def test_wheel_is_platform_specific_and_complete() -> None:
    wheel = wheel_path()
    name = wheel.name
    assert name.endswith(".whl")
    tag = name[:-4].split("-")[-3:]  # python, abi, platform
    assert tag[2] != "any", f"{name} is not platform-specific"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        wheel_meta = zf.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    assert "Root-Is-Purelib: false" in wheel_meta
    libs = [n for n in names if n.startswith("hypercheckout/_native/") and
            n.rsplit("/", 1)[-1] in ("libhypercheckout.so", "libhypercheckout.dylib", "hypercheckout.dll")]
    assert libs, names
    for required in ("hypercheckout/__init__.py", "hypercheckout/py.typed",
                     "hypercheckout/_errors.pyi", "hypercheckout/_api.pyi",
                     "hypercheckout/_native/hypercheckout.py"):
        assert required in names, names


def test_public_names() -> None:
    for name in hc.__all__:
        assert getattr(hc, name) is not None, name
    assert hc.__version__ == hc.sdk_version()
    assert hc.sdk_version().count(".") == 2


def test_docstrings_on_public_api() -> None:
    documented = [
        hc, hc.Client, hc.Client.__init__, hc.Client.create_session,
        hc.Client.create_session_async, hc.Client.get_order_status, hc.Client.get_order_status_async, hc.ClientConfig, hc.SessionRequest, hc.Session,
        hc.Violation, hc.HyperCheckoutError, hc.validate, hc.parse_session_request,
        hc.session_request_to_json, hc.routing_id, hc.parse_session_response, hc.sdk_version,
        hc.Environment, hc.Action, hc.Mandate,
    ]
    missing = [getattr(o, "__qualname__", repr(o)) for o in documented if not (o.__doc__ or "").strip()]
    assert not missing, missing
    for kind in ("Validation", "Timeout", "Server"):
        assert getattr(hc.HyperCheckoutError, kind).__doc__


def stub_variants() -> Dict[str, List[str]]:
    tree = ast.parse((PACKAGE_DIR / "_errors.pyi").read_text())
    (base,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    variants: Dict[str, List[str]] = {}
    for node in base.body:
        if isinstance(node, ast.ClassDef):
            init = next(
                f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"
            )
            variants[node.name] = [a.arg for a in init.args.args[1:]]
    return variants


def runtime_variants() -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for name, value in vars(hc.HyperCheckoutError).items():
        if isinstance(value, type) and issubclass(value, hc.HyperCheckoutError):
            out[name] = list(inspect.signature(value.__init__).parameters)[1:]
    return out


def test_error_stub_matches_runtime() -> None:
    """_errors.pyi (for type checkers) declares exactly the generated error classes."""
    assert stub_variants() == runtime_variants()


def test_mypy_accepts_typed_usage() -> None:
    files = [
        str(Path(__file__).with_name("typed_usage.py")),
        str(REPO / "examples" / "python" / "create_session.py"),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *files],
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).parent),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_rejects_misuse(tmp_path: Path) -> None:
    """The hints carry information: wrong types are caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import hypercheckout as hc\n"
        "r = hc.SessionRequest(order_id=1, amount='1')\n"
        "def f(e: hc.HyperCheckoutError.Timeout) -> int:\n"
        "    return e.reason\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(bad)],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
    )
    assert result.returncode == 1, result.stdout
    assert "bad.py:2:" in result.stdout and "bad.py:4:" in result.stdout, result.stdout


def test_import_time_is_reasonable() -> None:
    code = "import time; t=time.perf_counter(); import hypercheckout; print(time.perf_counter()-t)"
    seconds = float(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert seconds < 1.0, seconds


def test_records_are_keyword_constructible_and_comparable() -> None:
    a = hc.SessionRequest(order_id="o-1", amount="1.00")
    b = hc.SessionRequest(order_id="o-1", amount="1.00")
    assert a == b
    assert a.customer_id == "" and a.metadata == {} and a.extra_fields == {}
    assert "o-1" in repr(a)
    round_trip = hc.parse_session_request(hc.session_request_to_json(a))
    assert round_trip.order_id == "o-1"


def test_fast_ffi_helpers_active() -> None:
    """The faster RustBuffer helpers (hypercheckout/_fastffi.py) must be in use; if a uniffi
    upgrade changed the generated runtime's shape, update _fastffi.py."""
    assert getattr(hc, "_FAST_FFI") is True
    from hypercheckout._native import hypercheckout as native

    # The string converters and the async call are the replacements, not the generated ones.
    assert native._UniffiFfiConverterString.read.__module__ == "hypercheckout._fastffi"
    assert native._UniffiFfiConverterOptionalString.read.__module__ == "hypercheckout._fastffi"
    assert native._uniffi_rust_call_async.__module__ == "hypercheckout._fastffi"
    assert native._uniffi_rust_call_with_error.__module__ == "hypercheckout._fastffi"
    assert native._UniffiConverterRustBuffer.lift.__func__.__module__ == "hypercheckout._fastffi"
    assert native._UniffiConverterRustBuffer.lower.__func__.__module__ == "hypercheckout._fastffi"


def test_fast_string_converters_read_and_refuse_like_the_generated_ones() -> None:
    """Text of every shape crosses both ways through the replacement converters, and a
    truncated or malformed buffer raises InternalError as the generated reader does."""
    from hypercheckout._native import hypercheckout as native

    for text in ["", "a", "\u00e9\u4e2d\U0001f600", "x" * 70000]:
        for optional in (False, True):
            conv = native._UniffiFfiConverterOptionalString if optional else native._UniffiFfiConverterString
            builder = native._UniffiRustBufferBuilder()
            conv.write(text, builder)
            data = bytes(builder._buf)
            stream = native._UniffiRustBufferStream(data, len(data))
            assert conv.read(stream) == text and stream.remaining() == 0
    builder = native._UniffiRustBufferBuilder()
    native._UniffiFfiConverterOptionalString.write(None, builder)
    assert bytes(builder._buf) == b"\x00"
    assert native._UniffiFfiConverterOptionalString.read(native._UniffiRustBufferStream(b"\x00", 1)) is None
    for bad in [b"", b"\x00\x00\x00\x05abc", b"\xff\xff\xff\xff", b"\x00\x00"]:
        with pytest.raises(native.InternalError):
            native._UniffiFfiConverterString.read(native._UniffiRustBufferStream(bad, len(bad)))
    for bad in [b"", b"\x02", b"\x01\x00\x00\x00\x09abc", b"\x01\x00"]:
        with pytest.raises(native.InternalError):
            native._UniffiFfiConverterOptionalString.read(native._UniffiRustBufferStream(bad, len(bad)))


def test_error_text_is_the_cores_sentence() -> None:
    """`str(e)` is the core's Display (a sentence), `repr(e)` the kind and every field."""
    assert getattr(hc, "_ERROR_TEXT") is True
    e = hc.HyperCheckoutError.Timeout(reason="no answer within 30000 ms")
    assert str(e) == "timed out: no answer within 30000 ms"
    assert repr(e) == "HyperCheckoutError.Timeout(reason='no answer within 30000 ms')"
    v = hc.HyperCheckoutError.Validation(
        violations=[hc.Violation(field="amount", code="invalid_amount", message="must be positive")]
    )
    assert str(v).startswith("invalid request: ") and "amount" in str(v)
    assert f"{v}" == str(v) and "invalid_amount" in repr(v)


def test_round_trip_through_the_ffi() -> None:
    """Every value type crosses the FFI both ways unchanged (strings with non-ASCII and empty
    values, maps, enums, nested optional records, booleans)."""
    request = hc.SessionRequest(
        order_id="rt-1",
        amount="1.00",
        customer_id="",
        payment_page_client_id="client \u00e9\u4e2d\U0001f600",
        action=hc.Action.PAYMENT_MANAGEMENT(),
        description="",
        metadata={"JUSPAY:gateway_reference_id": "x" * 255, "k\u00e9": ""},
        create_mandate=hc.CreateMandate.REQUIRED,
        mandate=hc.Mandate(
            max_amount="99.99", frequency=hc.MandateFrequency.WEEKLY, rule_value="3",
            amount_rule=hc.AmountRule.FIXED, revokable_by_customer=False, block_funds=False,
            start_date="1700000000", end_date="1800000000",
        ),
        udf6="\u00fcdf six",
        udf10="ten",
        routing_id="r\u00f6ute",
        extra_fields={"theme": "dark", "empty": ""},
    )
    assert hc.routing_id(request) == "r\u00f6ute"
    request.routing_id = None  # a header, not part of the JSON body
    assert hc.parse_session_request(hc.session_request_to_json(request)) == request


def test_reexports_the_whole_generated_surface() -> None:
    """Everything the core exports through uniffi is reachable as `hypercheckout.<name>`; when
    the core grows, add the new names to hypercheckout/__init__.py."""
    from hypercheckout._native import hypercheckout as native

    missing = sorted(set(native.__all__) - set(hc.__all__))
    assert not missing, missing
    # Client: hypercheckout/_client.py; set_request_listener: _observe.py (takes a function)
    wrapped = {"HyperCheckoutError", "Client", "set_request_listener"}
    for name in native.__all__:
        if name not in wrapped:
            assert getattr(hc, name) is getattr(native, name), name


def test_open_action_and_json_extras() -> None:
    """Issue 10: `action` is an open set, `payment_filter` and `extra_json` go on the wire as
    the JSON they hold, a paymentManagement session needs no order."""
    quick = hc.parse_session_request('{"order_id": "o-1", "amount": "1", "action": "quickPay"}')
    assert quick.action == hc.Action.QUICK_PAY()
    other = hc.parse_session_request('{"order_id": "o-1", "amount": "1", "action": "newThing"}')
    assert other.action == hc.Action.OTHER(name="newThing")
    assert json.loads(hc.session_request_to_json(other))["action"] == "newThing"

    request = hc.SessionRequest(
        order_id="o-2",
        amount="1.00",
        customer_id="c-1",
        payment_page_client_id="client",
        action=hc.Action.ENACH(),
        payment_filter='{"allowDefaultOptions": false, "options": [{"paymentMethodType": "UPI", "enable": true}]}',
        get_client_auth_token=True,
        extra_json={"send_mail": "true", "gateway_id": "12", "split": '[{"a": 1}]'},
    )
    assert hc.validate(request) == []
    body = json.loads(hc.session_request_to_json(request))
    assert body["action"] == "enach"
    assert body["payment_filter"] == {
        "allowDefaultOptions": False,
        "options": [{"paymentMethodType": "UPI", "enable": True}],
    }
    assert body["send_mail"] is True and body["gateway_id"] == 12 and body["split"] == [{"a": 1}]
    assert body["options.get_client_auth_token"] == "true"  # a string, as Juspay's samples

    manage = hc.SessionRequest(
        order_id="", amount="", customer_id="c-1", payment_page_client_id="client",
        action=hc.Action.PAYMENT_MANAGEMENT(),
    )
    assert hc.validate(manage) == []
    body = json.loads(hc.session_request_to_json(manage))
    assert "order_id" not in body and "amount" not in body


def test_api_errors_keep_error_info_and_body() -> None:
    body = (
        '{"status": "invalid_request_error", "error_code": "INVALID_REQUEST", '
        '"error_message": "Invalid Value", "error_info": {"code": "INVALID_INPUT", '
        '"category": "USER_ERROR", "user_message": "Check the mandate", '
        '"developer_message": "mandate.max_amount is invalid", "request_id": "req-9", '
        '"fields": [{"field_name": "mandate.max_amount", "reason": "Invalid Value"}]}}'
    )
    with pytest.raises(hc.HyperCheckoutError.InvalidRequest) as info:
        hc.parse_session_response(400, {}, body)
    e = info.value
    assert e.error_info == hc.ErrorInfo(
        code="INVALID_INPUT", category="USER_ERROR", user_message="Check the mandate",
        developer_message="mandate.max_amount is invalid", request_id="req-9",
        fields=[hc.ErrorField(field_name="mandate.max_amount", reason="Invalid Value")],
    )
    assert e.user_message == "Check the mandate" and e.request_id == "req-9"
    assert e.body_excerpt == body[:512]
    assert "INVALID_REQUEST" in str(e) and "HTTP 400" in str(e)
    # Kinds without an answer still have the uniform attributes.
    timeout = hc.HyperCheckoutError.Timeout(reason="slow")
    assert timeout.error_info is None and timeout.body_excerpt is None
