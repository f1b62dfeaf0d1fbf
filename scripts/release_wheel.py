#!/usr/bin/env python3
"""Pack one platform wheel from an already cross-built native library (scripts/release.sh).

Why not `maturin build --zig` per platform: maturin compiles the library itself, so every
target would be built twice (once for the wheel, once for the jar and the XCFramework), and
with the release profile's stripping uniffi-bindgen finds "No UniFFI metadata". Here the
library is built once, the Python module is generated once from the unstripped library
(uniffi's generated Python is the same on every platform: it picks libhypercheckout.so,
libhypercheckout.dylib or hypercheckout.dll from sys.platform at import time), and the wheel
gets the layout `pip wheel ./bindings/python` (maturin, bindings = "uniffi") produces:

    hypercheckout/*.py, *.pyi, py.typed             bindings/python/python/hypercheckout
    hypercheckout/_native/__init__.py               "from .hypercheckout import *"
    hypercheckout/_native/hypercheckout.py          uniffi-bindgen generate --language python
    hypercheckout/_native/<library>                 the stripped native library
    hypercheckout-VERSION.dist-info/{METADATA,WHEEL,RECORD}

METADATA is the sdist's PKG-INFO (maturin wrote it from pyproject.toml), so the two agree.
Entries are sorted and dated 1980-01-01: the same inputs give the same bytes.

Usage: release_wheel.py --tag py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64 \
         --lib libhypercheckout.so --generated DIR --source DIR --pkg-info PKG-INFO --out DIR
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import sys
import zipfile

NATIVE_INIT = b"from .hypercheckout import *  # NOQA\n"


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tag", required=True, help="python-abi-platform, e.g. py3-none-win_amd64")
    ap.add_argument("--lib", required=True, help="the (stripped) native library to ship")
    ap.add_argument("--generated", required=True, help="dir with uniffi's hypercheckout.py")
    ap.add_argument("--source", required=True, help="bindings/python/python/hypercheckout")
    ap.add_argument("--pkg-info", required=True, help="PKG-INFO from the sdist")
    ap.add_argument("--sbom", help="CycloneDX JSON to put in dist-info/sboms (PEP 770)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.pkg_info, "rb") as f:
        metadata = f.read()
    fields = dict(
        line.split(": ", 1) for line in metadata.decode().split("\n\n", 1)[0].splitlines() if ": " in line
    )
    name, version = fields["Name"], fields["Version"]
    dist_info = f"{name}-{version}.dist-info"

    files: dict[str, bytes] = {}
    for root, dirs, names in os.walk(args.source):
        # _native is generated at build time (a stale local one must not leak in).
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "_native"))
        for n in names:
            if n.endswith((".pyc", ".so", ".dylib", ".dll")):
                continue
            path = os.path.join(root, n)
            rel = os.path.relpath(path, os.path.dirname(args.source.rstrip("/")))
            with open(path, "rb") as f:
                files[rel.replace(os.sep, "/")] = f.read()
    with open(os.path.join(args.generated, "hypercheckout.py"), "rb") as f:
        files["hypercheckout/_native/hypercheckout.py"] = f.read()
    files["hypercheckout/_native/__init__.py"] = NATIVE_INIT
    with open(args.lib, "rb") as f:
        files[f"hypercheckout/_native/{os.path.basename(args.lib)}"] = f.read()
    files[f"{dist_info}/METADATA"] = metadata
    files[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: hypercheckout scripts/release_wheel.py\n"
        "Root-Is-Purelib: false\n"
        + "".join(f"Tag: py3-none-{plat}\n" for plat in args.tag.split("-", 2)[2].split("."))
    ).encode()
    if args.sbom:
        with open(args.sbom, "rb") as f:
            files[f"{dist_info}/sboms/hypercheckout.cyclonedx.json"] = f.read()

    record_name = f"{dist_info}/RECORD"
    record = "\n".join([record_line(n, d) for n, d in sorted(files.items())] + [f"{record_name},,", ""])
    files[record_name] = record.encode()

    wheel = os.path.join(args.out, f"{name}-{version}-{args.tag}.whl")
    os.makedirs(args.out, exist_ok=True)
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        # RECORD last, as the wheel spec recommends; the rest sorted.
        for n in sorted(files, key=lambda n: (n == record_name, n)):
            info = zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if n.endswith((".so", ".dylib", ".dll")) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, files[n])
    print(wheel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
