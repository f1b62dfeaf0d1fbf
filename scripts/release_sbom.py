#!/usr/bin/env python3
"""CycloneDX 1.5 SBOM of what the shipped native library contains (scripts/release.sh).

Reads `cargo metadata` (the locked resolve) and lists every crate reachable from
`hypercheckout` through normal and build dependencies, on any target platform (the artifacts
cover all of them), dev-dependencies excluded: the Rust code inside every wheel, the jar and
the XCFramework. Each component has its purl (pkg:cargo/NAME@VERSION), licence expression and,
for crates.io crates, the SHA-256 from Cargo.lock. Written here rather than with
`cargo cyclonedx` so the release needs no extra compiled tool (cargo install takes minutes);
the format is the same public schema (https://cyclonedx.org/docs/1.5/json/).

Usage: release_sbom.py OUT.json   (run from the repository root)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import uuid


def main() -> int:
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    with open("Cargo.lock", "rb") as f:
        lock = tomllib.load(f)
    checksums = {(p["name"], p["version"]): p.get("checksum") for p in lock.get("package", [])}
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(p["id"] for p in meta["packages"] if p["name"] == "hypercheckout")

    seen: set[str] = set()
    edges: dict[str, list[str]] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        deps = []
        for d in nodes[pid]["deps"]:
            if any(k["kind"] in (None, "build") for k in d["dep_kinds"]):
                deps.append(d["pkg"])
                todo.append(d["pkg"])
        edges[pid] = sorted(set(deps))

    def ref(pid: str) -> str:
        p = packages[pid]
        return f"pkg:cargo/{p['name']}@{p['version']}"

    def component(pid: str) -> dict:
        p = packages[pid]
        c = {
            "type": "library",
            "bom-ref": ref(pid),
            "name": p["name"],
            "version": p["version"],
            "purl": ref(pid),
        }
        if p.get("license"):
            c["licenses"] = [{"expression": p["license"]}]
        if p.get("description"):
            c["description"] = " ".join(p["description"].split())
        digest = checksums.get((p["name"], p["version"]))
        if digest:
            c["hashes"] = [{"alg": "SHA-256", "content": digest}]
        return c

    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ref(root))}",
        "version": 1,
        "metadata": {
            "tools": [{"name": "scripts/release_sbom.py"}],
            "component": component(root),
        },
        "components": [component(pid) for pid in sorted(seen - {root}, key=ref)],
        "dependencies": [{"ref": ref(pid), "dependsOn": [ref(d) for d in edges[pid]]} for pid in sorted(seen, key=ref)],
    }
    with open(sys.argv[1], "w") as f:
        json.dump(bom, f, indent=1, sort_keys=False)
        f.write("\n")
    print(f"{sys.argv[1]}: {len(bom['components'])} components")
    return 0


if __name__ == "__main__":
    sys.exit(main())
