"""Issue 12: type declarations and docstrings of the public API.

`_api.pyi` is generated from the installed runtime by bindings/python/stubgen.py; it must be
current. Every public name has a Python docstring with no Rust in it (help(), pdoc). The
pyright completeness score itself is measured by scripts/test-python.sh (it needs node).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Set, Tuple

import hypercheckout as hc
from conftest import REPO
from hypercheckout._docs import RUST_TEXT


def test_generated_stub_is_current() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bindings" / "python" / "stubgen.py"), "--check"],
        capture_output=True, text=True, cwd=str(Path(__file__).parent),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    installed = (Path(hc.__file__).parent / "_api.pyi").read_text(encoding="utf-8")
    assert installed == (REPO / "bindings/python/python/hypercheckout/_api.pyi").read_text(encoding="utf-8")


def _public() -> List[Tuple[str, Any]]:
    seen: Set[int] = set()
    out: List[Tuple[str, Any]] = []

    def walk(name: str, obj: Any, depth: int) -> None:
        if id(obj) in seen or depth > 3:
            return
        seen.add(id(obj))
        out.append((name, obj))
        if isinstance(obj, type):
            for key, value in vars(obj).items():
                if key.startswith("_"):
                    continue
                if inspect.isfunction(value) or isinstance(value, (type, property)):
                    walk(f"{name}.{key}", value, depth + 1)

    for name in hc.__all__:
        walk(name, getattr(hc, name), 0)
    return out


def test_every_public_name_has_a_python_docstring() -> None:
    public = _public()
    assert len(public) > 150, len(public)
    missing, rust = [], []
    for name, obj in public:
        doc = (vars(obj).get("__doc__") if isinstance(obj, type) else obj.__doc__) or ""
        if not doc.strip():
            missing.append(name)
        elif RUST_TEXT.search(doc):
            rust.append((name, RUST_TEXT.search(doc).group()))  # type: ignore[union-attr]
    assert not missing, missing
    assert not rust, rust


def test_help_shows_real_defaults_not_sentinels() -> None:
    text = str(inspect.signature(hc.SessionRequest)) + str(inspect.signature(hc.Mandate))
    assert "object object" not in text and "metadata: 'dict[str, str]' = {}" in text


def test_mypy_strict_on_all_examples() -> None:
    files = sorted(str(p) for p in (REPO / "examples" / "python").glob("*.py"))
    assert len(files) >= 2, files
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, *files],
        capture_output=True, text=True, cwd=str(Path(__file__).parent),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_sentinel_defaults_in_function_signatures() -> None:
    for name in hc.__all__:
        obj = getattr(hc, name)
        if inspect.isfunction(obj):
            assert "object object" not in str(inspect.signature(obj)), name
    assert "expected_currency: 'typing.Optional[str]' = None" in str(inspect.signature(hc.check_order_payment))
