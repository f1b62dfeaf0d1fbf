# shellcheck shell=bash
# shellcheck disable=SC2154  # repo, work, url: the caller's (below)
# Sourced by scripts/release.sh, scripts/test-release.sh and scripts/test-cross.sh: the cross
# tools, the arm64 CPython and JDK under qemu-user, wine with its test-only shim, and the checks
# the release verification and the test command's cross step share (docs/releasing.md).
# Needs lib/apt.sh, the caller's die() and ok(), and $repo. Functions that write scratch files
# put them in the caller's $work.

# --- tools -----------------------------------------------------------------------------------

# cross_debs COMMAND=PACKAGE...: installs the Debian packages whose command is missing (a
# command may be an absolute path: wine64 lives in /usr/lib/wine). Root and apt-get, or a loud
# failure naming the packages.
cross_debs() {
  local pair cmd missing=()
  for pair in "$@"; do
    cmd=${pair%%=*}
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("${pair#*=}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
    die "missing ${missing[*]} (apt-get install --no-install-recommends ${missing[*]})"
  fi
  apt_get update -qq || die "apt-get update failed"
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
}

# cross_tools_venv VENV: zig (the ziglang wheel), cargo-zigbuild, maturin (the sdist) and
# auditwheel, pinned in scripts/release-requirements.txt, in a venv (never the system Python).
cross_tools_venv() {
  local venv=$1
  [ -x "$venv/bin/cargo-zigbuild" ] && [ -x "$venv/bin/auditwheel" ] && return 0
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
      die "python3 lacks venv/ensurepip (apt-get install python3-venv)"
    fi
    apt_get update -qq || die "apt-get update failed"
    apt_get install -y -qq python3-venv >/dev/null || die "apt-get install python3-venv failed"
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$repo/scripts/release-requirements.txt" \
    || die "pip install -r scripts/release-requirements.txt failed"
}

# cross_rust_target TARGET: rustup target add, unless installed (a cargo-zigbuild glibc suffix
# such as .2.17 is not part of the rustup name). Returns 1 when rustup cannot download it.
cross_rust_target() {
  local t=${1%.2.17}
  rustup target list --installed | grep -qx "$t" && return 0
  rustup target add "$t" >/dev/null 2>&1
}

# --- libraries -------------------------------------------------------------------------------

# strip_lib SRC OUT: the shipped copy, without debug info and local symbols; the exported
# uniffi functions stay (dynamic symbols on ELF, exports on PE and Mach-O).
strip_lib() {
  mkdir -p "$(dirname "$2")"
  case "$1" in
    *.dylib | *.a) llvm-strip -x "$1" -o "$2" ;;
    *) llvm-strip --strip-all "$1" -o "$2" ;;
  esac
}

# uniffi_generate LIB LANGUAGE OUT: the bindings, generated from an UNSTRIPPED library of any
# target (uniffi-bindgen reads its metadata symbols; the generated code does not depend on the
# platform). uniffi-bindgen itself is a host build (the Kotlin step's, in the test command).
uniffi_generate() {
  local lib=$1 lang=$2 out=$3
  [ -f "$lib" ] || die "no $lib to generate the $lang bindings from"
  rm -rf "$out"
  (cd "$repo" && cargo run --locked --quiet -p uniffi-bindgen -- generate --library "$lib" \
    --language "$lang" --config uniffi.toml --no-format --out-dir "$out") >&2 \
    || die "uniffi-bindgen generate --language $lang failed"
}

# pkg_info SDIST OUT: the sdist's PKG-INFO (maturin wrote it from pyproject.toml), which
# scripts/release_wheel.py uses as the wheel's METADATA.
pkg_info() {
  local name
  name=$(basename "$1" .tar.gz)
  tar xzf "$1" -O "$name/PKG-INFO" >"$2" || die "no PKG-INFO in $1"
}

# glibc_floor LIB: the highest GLIBC_ symbol version LIB needs; fails above GLIBC_2.17 (the
# manylinux2014 floor).
glibc_floor() {
  local glibc
  glibc=$(llvm-objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -t. -k1,1 -k2,2n -u | tail -n1)
  [ "$(printf '%s\nGLIBC_2.17\n' "$glibc" | sort -V | tail -n1)" = GLIBC_2.17 ] || die "$1 needs $glibc (> GLIBC_2.17)"
  echo "$glibc"
}

# auditwheel_tag WHEEL [AUDITWHEEL ARGS...]: the most compatible tag `auditwheel show` says the
# wheel qualifies for (the last run's full output in $work/auditwheel-show.txt).
auditwheel_tag() {
  local whl=$1 out="$work/auditwheel-show.txt"
  shift
  auditwheel show "$@" "$whl" >"$out" 2>&1 || die "auditwheel show $(basename "$whl") failed: $(cat "$out")"
  tr '\n' ' ' <"$out" | grep -o 'is consistent with the following platform tag: *"[^"]*"' | grep -o '"[^"]*"' | tr -d '"'
}

# abi_list HEADER: the uniffi functions the generated C header declares, into $work/abi.txt.
# Whole names only: "ffi_hypercheckout_..." also matches inside "uniffi_hypercheckout_checksum_...",
# which made up names no library exports (caught by the first DLL export check).
abi_list() {
  [ -f "$1" ] || die "no generated C header $1"
  grep -oE '\<(uniffi|ffi)_hypercheckout_[a-z0-9_]*' "$1" | sort -u >"$work/abi.txt"
  [ -s "$work/abi.txt" ] || die "$1 declares no uniffi function"
}

# check_exports FILE LABEL: FILE (a PE DLL or a Mach-O) exports every function of
# $work/abi.txt. macOS/iOS cannot run here, so this is their check; a Windows DLL linked by zig
# once exported none of them (rust-cross/cargo-zigbuild#251) and `file` called it a fine DLL.
check_exports() {
  if [[ "$(file -b "$1")" == PE32* ]]; then
    # A DLL's exports are its export table (llvm-objdump -p: "ordinal RVA name" rows).
    llvm-objdump -p "$1" | awk '/^Export Table:/ {e = 1; next} e && /^ *[0-9]+ +0x[0-9a-f]+ +/ {print $3} e && /^$/ {e = 0}' \
      | sort -u >"$work/exports.txt"
  else
    llvm-nm --extern-only --defined-only "$1" 2>/dev/null | awk '{print $NF}' | sed 's/^_//' | sort -u >"$work/exports.txt"
  fi
  local absent
  absent=$(comm -23 "$work/abi.txt" "$work/exports.txt" | head -n 5)
  [ -z "$absent" ] || die "$2 lacks exported uniffi symbols: $absent"
  ok "$2 exports all $(wc -l <"$work/abi.txt") uniffi functions"
}

# --- the emulator's side ---------------------------------------------------------------------

# with_emu_env CMD...: CMD with the credentials the emulator accepts by default
# (hypercheckout_emulator::DEFAULT_MERCHANT_ID and DEFAULT_API_KEY): with them set, the Rust
# example talks to JUSPAY_BASE_URL instead of starting an emulator of its own, i.e. to the
# native emulator the caller started ($url).
with_emu_env() { env JUSPAY_MERCHANT_ID=emulator_merchant JUSPAY_API_KEY=emulator_api_key JUSPAY_BASE_URL="$url" "$@"; }

# session_ok LABEL LOG: the Rust example printed a session from the native emulator (its URL).
session_ok() {
  if ! grep -q "^payment link: $url/" "$2" || ! grep -q '^order ex-[0-9]* is NEW$' "$2"; then
    die "$1: no session from $url in its output: $(tail -n 3 "$2")"
  fi
}

# --- arm64 under qemu-user -------------------------------------------------------------------

# An arm64 Debian CPython 3.11 and JDK 17, cached outside the repo: debootstrap's first stage
# downloads and unpacks the base system (nothing runs), the other packages are unpacked with
# dpkg-deb, and qemu-aarch64 -L runs them without a chroot or binfmt_misc (which this machine
# lacks). The emulator runs natively; loopback is shared.
arm64_root=${HYPERCHECKOUT_ARM64_ROOT:-${HOME:-/root}/.cache/hypercheckout/arm64-bookworm/rootfs}
arm64_python=$arm64_root/usr/bin/python3.11
arm64_java=$arm64_root/usr/lib/jvm/java-17-openjdk-arm64/bin/java
# Debian's musl for arm64 (its loader; libc.so for auditwheel): what test-release.sh loads the
# musllinux aarch64 library with, there being no musl CPython here.
arm64_musl=$arm64_root/lib/ld-musl-aarch64.so.1
qarm() { qemu-aarch64-static -L "$arm64_root" "$@"; }

# arm64_root_ensure: the root above, made when missing (about 460 MB unpacked).
arm64_root_ensure() {
  cross_debs qemu-aarch64-static=qemu-user-static debootstrap=debootstrap
  if [ ! -x "$arm64_python" ] || [ ! -x "$arm64_java" ] || [ ! -e "$arm64_musl" ]; then
    rm -rf "$arm64_root"
    mkdir -p "$arm64_root"
    debootstrap --foreign --arch=arm64 --variant=minbase --include=python3,python3-venv,libffi8,openjdk-17-jre-headless,musl \
      bookworm "$arm64_root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || die "debootstrap (arm64, first stage) failed: $work/debootstrap.log"
    local deb
    for deb in "$arm64_root"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$arm64_root"; done
    rm -f "$arm64_root"/var/cache/apt/archives/*.deb
  fi
  qarm "$arm64_python" -c 'import platform; assert platform.machine() == "aarch64"' \
    || die "the arm64 CPython does not run under qemu-aarch64"
}

# arm64_wheel_run WHEEL PIP_SITE VERSION: pip (PIP_SITE: an x86_64 venv's site-packages; pip is
# pure Python) runs ON the arm64 interpreter, so it checks the wheel's tag against arm64's; the
# wheel goes into a plain directory on PYTHONPATH (the interpreter runs through qemu, not from a
# venv). Then: import and sdk_version, the conformance vectors (pytest; each test starts the
# native emulator, $HYPERCHECKOUT_EMULATOR), and the example's real session against $url.
arm64_wheel_run() {
  local whl=$1 site=$2 version=$3 asite="$work/arm64-site"
  rm -rf "$asite"
  PIP_ROOT_USER_ACTION=ignore PYTHONPATH="$site" qarm "$arm64_python" -m pip install -q --disable-pip-version-check --no-deps --target "$asite" "$whl" \
    || die "pip on arm64 CPython refused $(basename "$whl")"
  PIP_ROOT_USER_ACTION=ignore PYTHONPATH="$site" qarm "$arm64_python" -m pip install -q --disable-pip-version-check --no-deps --target "$asite" \
    -c "$repo/bindings/python/requirements-ci.txt" pytest iniconfig pluggy packaging \
    || die "pip could not install pytest for the arm64 CPython"
  (cd "$work" && PYTHONPATH="$asite" qarm "$arm64_python" -c 'import hypercheckout as hc, platform, sys; print("arm64:", platform.machine(), hc.__file__, hc.sdk_version()); assert hc.sdk_version() == sys.argv[1]' "$version") \
    || die "the aarch64 wheel did not import on the arm64 CPython"
  (cd "$repo/bindings/python/tests" && PYTHONPATH="$asite" PYTHONDONTWRITEBYTECODE=1 qarm "$arm64_python" -m pytest -p no:cacheprovider -q test_conformance.py) \
    || die "the conformance vectors failed on the arm64 CPython"
  (cd "$work" && unset JUSPAY_MERCHANT_ID JUSPAY_API_KEY && PYTHONPATH="$asite" HYPERCHECKOUT_BASE_URL="$url" \
    qarm "$arm64_python" "$repo/examples/python/create_session.py") \
    || die "the Python example failed on the arm64 CPython"
}

# arm64_java_run CLASSPATH: the Java example on the arm64 JDK against $url; JNA must pick
# linux-aarch64 from the jar by itself (no jna.library.path).
arm64_java_run() {
  local props
  props=$(qarm "$arm64_java" -XshowSettings:properties -version 2>&1 || true)
  [[ "$props" == *"os.arch = aarch64"* ]] || die "the arm64 JDK does not run under qemu: $(tail -n 3 <<<"$props")"
  (cd "$work" && unset JUSPAY_MERCHANT_ID JUSPAY_API_KEY JUSPAY_BASE_URL && qarm "$arm64_java" -cp "$1" \
    dev.hypercheckout.example.JavaMain "$url") \
    || die "the Java example failed on the arm64 JDK"
}

# --- Windows under wine ----------------------------------------------------------------------

# wine_setup PREFIX: wine (Debian 12: 8.0) and MinGW-w64, a private wine prefix (the first start
# creates it), and the test-only bcryptprimitives.dll shim: Rust's std (1.78+) imports
# ProcessPrng from it, which wine added only in 9.0 (scripts/release-wine-bcryptprimitives.c,
# never shipped), found through WINEPATH (wine adds it to the DLL search path), so nothing under
# test is modified. Sets $wine.
wine_setup() {
  cross_debs /usr/lib/wine/wine64=wine64 x86_64-w64-mingw32-gcc=gcc-mingw-w64-x86-64
  wine=$(command -v wine64 || command -v wine || echo /usr/lib/wine/wine64)
  [ -x "$wine" ] || die "no wine64 after installing it"
  local shim="$work/wine-shim"
  mkdir -p "$shim"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$shim/bcryptprimitives.dll" "$repo/scripts/release-wine-bcryptprimitives.c" -ladvapi32 \
    || die "the bcryptprimitives shim did not compile"
  export WINEPREFIX="$1" WINEPATH="Z:${shim//\//\\}" WINEDEBUG=-all
  mkdir -p "$WINEPREFIX"
}

# wine_probe DLL VERSION: scripts/release-probe.c, compiled for Windows by MinGW-w64, loads the
# DLL under wine and calls sdk_version through the C ABI.
wine_probe() {
  x86_64-w64-mingw32-gcc -O2 -o "$work/probe.exe" "$repo/scripts/release-probe.c" || die "the probe did not compile for Windows"
  (cd "$(dirname "$1")" && WINEDEBUG=err+module "$wine" "$work/probe.exe" "$(basename "$1")" "$2") >"$work/wine.log" 2>&1 \
    || die "$1 did not load and answer under wine: $(grep -v fixme "$work/wine.log" | tail -n 3)"
  grep '^probe:' "$work/wine.log"
}

# wine_session EXE: the Rust example for Windows creates a real session under wine against the
# native Linux emulator at $url (wine's winsock is Linux's sockets).
wine_session() {
  (cd "$work" && with_emu_env "$wine" "$1") >"$work/wine-session.txt" 2>&1 \
    || die "the Windows example failed under wine: $(tail -n 3 "$work/wine-session.txt")"
  session_ok "Windows example under wine" "$work/wine-session.txt"
  grep -v '^sdk_payload' "$work/wine-session.txt"
}
