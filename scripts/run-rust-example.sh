#!/usr/bin/env bash
# Runs the Rust example; with no credentials in the environment it uses the local emulator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY cargo run --quiet --locked -p hypercheckout --example create_session
