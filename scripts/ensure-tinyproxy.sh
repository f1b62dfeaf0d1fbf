#!/usr/bin/env bash
# Installs Debian's tinyproxy when it is missing: the real HTTP proxy the network tests
# (core/tests/network.rs, proxy_env.rs and every binding's proxy test) run in the foreground
# with a generated configuration on a loopback port. Needs root for apt-get. Idempotent.
set -euo pipefail
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
for candidate in /usr/bin/tinyproxy /usr/sbin/tinyproxy; do
  [ -x "$candidate" ] && exit 0
done
command -v apt-get >/dev/null 2>&1 || { echo "tinyproxy is missing and there is no apt-get to install it" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "tinyproxy is missing; run as root or: apt-get install tinyproxy" >&2; exit 1; }
echo "installing tinyproxy with apt-get" >&2
if ! apt_get install -y -qq --no-install-recommends tinyproxy >/dev/null; then
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends tinyproxy >/dev/null
fi
# Debian starts the packaged service on install; the tests run their own in the foreground.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now tinyproxy >/dev/null 2>&1 || true; fi
for candidate in /usr/bin/tinyproxy /usr/sbin/tinyproxy; do
  [ -x "$candidate" ] && exit 0
done
echo "tinyproxy did not install" >&2
exit 1
