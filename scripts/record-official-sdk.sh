#!/usr/bin/env bash
# Record the HTTP requests Juspay's official Node SDK sends (session create, order status,
# refund) into testdata/juspay/official_sdk_requests.json. Needs node, npm, openssl, and root
# (the SDK cannot use a port: it must be served on 127.0.0.1:443). Installs the pinned SDK
# into a temp dir, never into the repo. Nothing leaves loopback.
set -euo pipefail
VERSION="${SDK_VERSION:-1.0.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(realpath -m "${1:-$HERE/../testdata/juspay/official_sdk_requests.json}")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# The SDK reads the *application's* package.json from the working directory and puts that
# version into its User-Agent (Juspay.getSdkPackage: path.join(process.cwd(), 'package.json')),
# so the app here gets a recognisable name and version.
printf '{"name":"recorder-app","version":"9.9.9-recorder","private":true}\n' > "$TMP/package.json"
( cd "$TMP" && npm install --no-audit --no-fund "expresscheckout-nodejs@$VERSION" >/dev/null )
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
# Self-signed loopback certificate: accept it for this one process only.
( cd "$TMP" && NODE_TLS_REJECT_UNAUTHORIZED=0 node "$HERE/record-official-sdk.js" "$TMP" "$TMP" "$OUT" 2> "$TMP/stderr" ) \
  || { cat "$TMP/stderr" >&2; exit 1; }
echo "recorded: $OUT" >&2
