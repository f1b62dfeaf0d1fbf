#!/usr/bin/env bash
# Runs the Rust examples; with no credentials in the environment they use the local emulator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY cargo run --quiet --locked -p hypercheckout --example create_session
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY cargo run --quiet --locked -p hypercheckout --example full_flow -- --self-test --refund 10.00
