"""The package itself: installed from the wheel, platform-tagged, typed, documented."""

from __future__ import annotations

import ast
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
                     "hypercheckout/_errors.pyi", "hypercheckout/_native/hypercheckout.py"):
        assert required in names, names


def test_public_names() -> None:
    for name in hc.__all__:
        assert getattr(hc, name) is not None, name
    assert hc.__version__ == hc.sdk_version()
    assert hc.sdk_version().count(".") == 2


def test_docstrings_on_public_api() -> None:
    documented = [
        hc, hc.Client, hc.Client.__init__, hc.Client.create_session,
        hc.Client.create_session_blocking, hc.ClientConfig, hc.SessionRequest, hc.Session,
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


def test_round_trip_through_the_ffi() -> None:
    """Every value type crosses the FFI both ways unchanged (strings with non-ASCII and empty
    values, maps, enums, nested optional records, booleans)."""
    request = hc.SessionRequest(
        order_id="rt-1",
        amount="1.00",
        customer_id="",
        payment_page_client_id="client \u00e9\u4e2d\U0001f600",
        action=hc.Action.PAYMENT_MANAGEMENT,
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
    for name in native.__all__:
        if name != "HyperCheckoutError":
            assert getattr(hc, name) is getattr(native, name), name
