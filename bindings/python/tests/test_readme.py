"""The README's quickstart (its first ```python block) runs as written, against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import API_KEY, MERCHANT_ID, REPO, Emulator


def quickstart() -> str:
    text = (REPO / "bindings" / "python" / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# hypercheckout for Python\n\n```python\n"), "the README opens with the quickstart"
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    return block.group(1)


def test_quickstart_is_short_and_runs(emulator: Emulator) -> None:
    code = quickstart()
    assert len([line for line in code.splitlines() if line.strip()]) <= 10, code
    env = dict(os.environ, JUSPAY_MERCHANT_ID=MERCHANT_ID, JUSPAY_API_KEY=API_KEY,
               HYPERCHECKOUT_BASE_URL=emulator.url)
    done = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-c", code],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(emulator.url + "/orders/") and lines[1] == "False", done.stdout
