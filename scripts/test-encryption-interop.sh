#!/usr/bin/env bash
# Encrypted mode against an independent JOSE implementation, npm `jose` (panva), both ways:
# jose decrypts and verifies what the SDK and the emulator seal (written by the Rust test
# `write_sdk_envelopes`), the SDK accepts what jose sealed and refuses the spoiled forms
# (testdata/encryption.json, run by every language's tests), and jose refuses them too.
# Needs node and npm. `--regenerate` rewrites testdata/encryption.json from
# testdata/encryption-keys/ (new ciphertexts; the keys stay).
set -euo pipefail
cd "$(dirname "$0")/.."
JOSE_VERSION=5.10.0
dir=target/jose-interop
if [ ! -f "$dir/node_modules/jose/package.json" ] ||
   ! grep -q "\"version\": \"$JOSE_VERSION\"" "$dir/node_modules/jose/package.json"; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-save --no-audit --no-fund "jose@$JOSE_VERSION" >/dev/null)
fi
if [ "${1:-}" = "--regenerate" ]; then
  node scripts/encryption-interop.mjs vectors testdata/encryption-keys testdata/encryption.json
fi
rm -f target/encryption-interop/sdk.json
# --workspace, as the test command's cargo test builds it: with -p alone the feature set differs
# and cargo rebuilds the crate and its dependencies (minutes).
cargo test --workspace --test encryption --quiet
node scripts/encryption-interop.mjs verify testdata/encryption.json target/encryption-interop/sdk.json
