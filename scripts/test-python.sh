#!/usr/bin/env bash
# Python binding (issue 3): build the platform wheel with maturin's uniffi support the way
# `pip install ./bindings/python` does, install it into a FRESH virtualenv, build the
# emulator, run the pytest suite and the example against it. Self-contained and idempotent;
# exits non-zero on any failure and never skips silently.
#
# Env: HYPERCHECKOUT_EMULATOR  path of a prebuilt emulator binary (default: cargo build)
#      PYTHON                  interpreter to use (default: python3; needs >= 3.9 and venv)
#      HYPERCHECKOUT_EXIT_RUNS runs per exit scenario in tests/test_exit.py (default 50;
#                              fewer only while iterating)
# Also measures `pyright --verifytypes hypercheckout` (fails below 95%; needs node, which
# the pinned pyright wheel uses to run pyright from npm) and builds the API reference with
# pdoc into target/python-test/docs.
set -euo pipefail
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
work="$repo/target/python-test"
venv="$work/venv"
dist="$work/dist"
reqs="$repo/bindings/python/requirements-ci.txt"
python=${PYTHON:-python3}

say() { printf '\n--- %s\n' "$*"; }
die() { printf '!!! test-python: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib/emulator.sh
. "$repo/scripts/lib/emulator.sh"

# Rust toolchain (maturin drives cargo).
if [ -f scripts/ensure-rust.sh ]; then
  bash scripts/ensure-rust.sh
elif ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup)"
[ -f "$HOME/.cargo/env" ] && ! command -v cargo >/dev/null 2>&1 && . "$HOME/.cargo/env"

# Python with venv support (Debian/Ubuntu ship venv separately).
command -v "$python" >/dev/null 2>&1 || die "$python not found"
"$python" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
  || die "$python is older than 3.9"
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing python3-venv"
    apt_get update -qq && apt_get install -y -qq python3-venv
  fi
  "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || die "$python lacks venv/ensurepip (install python3-venv)"
fi

say "fresh virtualenv $venv"
rm -rf "$venv" "$dist"
mkdir -p "$work" "$dist"
"$python" -m venv "$venv"
vpy="$venv/bin/python"
"$vpy" -m pip install -q --disable-pip-version-check -c "$reqs" pip

say "building the wheel (pip wheel ./bindings/python: maturin, bindings = uniffi, release)"
# PIP_CONSTRAINT pins maturin inside pip's isolated build environment too.
PIP_CONSTRAINT="$reqs" "$vpy" -m pip wheel --no-deps --disable-pip-version-check \
  ./bindings/python -w "$dist"
shopt -s nullglob
wheels=("$dist"/hypercheckout-*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 1 ] || die "expected exactly one wheel in $dist, found ${#wheels[@]}"
wheel=${wheels[0]}
case "$wheel" in
  *-none-any.whl) die "$wheel is not platform-specific" ;;
esac
"$vpy" - "$wheel" <<'PY' || die "the wheel does not contain the native library"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
libs = [n for n in names if n.rsplit("/", 1)[-1] in ("libhypercheckout.so", "libhypercheckout.dylib", "hypercheckout.dll")]
print("native library:", libs)
sys.exit(0 if libs else 1)
PY

say "installing $(basename "$wheel") and the test tools into the fresh venv"
"$vpy" -m pip install -q --disable-pip-version-check "$wheel"
"$vpy" -m pip install -q --disable-pip-version-check -c "$reqs" pytest mypy pyright pdoc
# Import from outside the repo: the installed package, not the source tree.
(cd "$work" && "$vpy" -c 'import hypercheckout, sys; print("imported", hypercheckout.__file__, hypercheckout.sdk_version())')

say "type completeness: pyright --verifytypes hypercheckout (at least 95%)"
command -v node >/dev/null 2>&1 || die "node not found: pyright needs Node.js (apt-get install nodejs)"
(cd "$work" && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" "$venv/bin/pyright" --ignoreexternal \
  --verifytypes hypercheckout --outputjson >"$work/verifytypes.json") || true
score=$("$vpy" -c 'import json,sys; print(round(100 * json.load(open(sys.argv[1]))["typeCompleteness"]["completenessScore"], 1))' "$work/verifytypes.json") \
  || die "pyright --verifytypes gave no score (see $work/verifytypes.json)"
echo "pyright --verifytypes hypercheckout: type completeness ${score}%"
"$vpy" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 95 else 1)' "$score" \
  || die "type completeness ${score}% is below 95%: declare the new names in _api.pyi (bindings/python/stubgen.py)"

# --no-show-source: the "view source" links make pdoc parse the 7000-line generated module
# hundreds of times (Python 3.11 finds a class's source by parsing its file): 90 s instead of 30.
say "API reference: pdoc hypercheckout -> $work/docs"
rm -rf "$work/docs"
(cd "$work" && "$vpy" -m pdoc --no-show-source --docformat markdown -o "$work/docs" hypercheckout)
[ -s "$work/docs/hypercheckout.html" ] || die "pdoc wrote no $work/docs/hypercheckout.html"
grep -q "create_session_async" "$work/docs/hypercheckout.html" || die "the API reference lacks Client.create_session_async"

if [ -n "${HYPERCHECKOUT_EMULATOR:-}" ]; then
  emulator=$HYPERCHECKOUT_EMULATOR
else
  say "building the emulator"
  cargo build --locked -p hypercheckout-emulator
  emulator="$repo/target/debug/hypercheckout-emulator"
fi
[ -x "$emulator" ] || die "emulator binary $emulator is missing"
export HYPERCHECKOUT_EMULATOR="$emulator"

say "tinyproxy for the proxy tests (scripts/ensure-tinyproxy.sh)"
bash scripts/ensure-tinyproxy.sh || die "tinyproxy is needed by tests/test_network.py"

say "pytest (bindings/python/tests)"
export HYPERCHECKOUT_WHEEL="$wheel"
export PYTHONDONTWRITEBYTECODE=1
(cd bindings/python/tests && "$vpy" -m pytest -p no:cacheprovider -ra -q --durations=5 .)

say "examples: create_session.py, observability.py and full_flow.py against the emulator"
# full_flow.py serves the return_url on this port; the emulator sends the customer there
# (--redirect-base is the emulator's testing aid for an https return_url).
flow_port=$("$vpy" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_emulator "$work" "$emulator" --redirect-base "http://127.0.0.1:$flow_port"
(cd "$work" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY HYPERCHECKOUT_BASE_URL="$url" "$vpy" "$repo/examples/python/create_session.py")
# Without credentials or a base URL the example starts its own emulator (never Juspay).
(cd "$work" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY -u HYPERCHECKOUT_BASE_URL "$vpy" "$repo/examples/python/create_session.py")
(cd "$work" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY HYPERCHECKOUT_BASE_URL="$url" "$vpy" "$repo/examples/python/observability.py")
(cd "$work" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY "$vpy" "$repo/examples/python/full_flow.py" --base-url "$url" --port "$flow_port" --self-test --wait-seconds 30)
stop_emulator

say "python binding: all checks passed"
