#!/usr/bin/env bash
# Provision a Swift 6 toolchain for this repository.
#
# - If a real `swift` is already on PATH (macOS, a Swift Docker image, ...), do nothing.
# - Otherwise (Debian bookworm has no Swift), build once a Debian trixie chroot with
#   debootstrap holding Debian's `swiftlang` 6.0.x, in a cache directory outside the repo:
#       ${HYPERCHECKOUT_SWIFT_CACHE:-$HOME/.cache/hypercheckout/swift-trixie}
#   and reuse it on later runs. Use scripts/swift.sh to run `swift` inside it.
#
# The Debian mirror is read from apt's own sources configuration on the host
# (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources); set
# HYPERCHECKOUT_SWIFT_MIRROR to override it.
#
# Usage: scripts/swift-toolchain.sh [--force-chroot] [--rebuild] [--print-root] [--is-ready]
#   --force-chroot  provision the chroot even if a host swift exists
#                   (same as HYPERCHECKOUT_SWIFT_USE_CHROOT=1)
#   --rebuild       delete the cached chroot and build it again
#   --print-root    print the chroot root directory and exit (no provisioning)
#   --is-ready      exit 0 if the cached chroot was completely built with the current
#                   recipe, 1 otherwise (quiet, no provisioning)
# See docs/swift-toolchain.md.
set -euo pipefail
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

die() { echo "swift-toolchain: ERROR: $*" >&2; exit 1; }
log() { echo "swift-toolchain: $*" >&2; }

SCRIPT_PATH="$(readlink -f -- "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname -- "$SCRIPT_PATH")"
WRAPPER_PATH="$SCRIPT_DIR/swift.sh"

CACHE_DIR="${HYPERCHECKOUT_SWIFT_CACHE:-${HOME:-/root}/.cache/hypercheckout/swift-trixie}"
ROOTFS="$CACHE_DIR/rootfs"
STAMP="$CACHE_DIR/ready"                 # written only after a fully successful build
BOOTSTRAP_STAMP="$CACHE_DIR/debootstrap-done"
LOCK_FILE="$CACHE_DIR/lock"
SUITE="trixie"
# Packages installed in the chroot. Changing this list changes RECIPE, which makes the next
# run re-run the (idempotent) apt-get install step on the existing chroot.
PACKAGES=(swiftlang libc6-dev gcc binutils)
RECIPE="v1 suite=$SUITE packages=${PACKAGES[*]}"

force_chroot="${HYPERCHECKOUT_SWIFT_USE_CHROOT:-0}"
rebuild=0
for arg in "$@"; do
  case "$arg" in
    --force-chroot) force_chroot=1 ;;
    --rebuild) rebuild=1 ;;
    --print-root) echo "$ROOTFS"; exit 0 ;;
    --is-ready) [ -f "$STAMP" ] && [ "$(sed -n 's/^recipe=//p' "$STAMP")" = "$RECIPE" ]; exit ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$SCRIPT_PATH"; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

T0=$(date +%s.%N)
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step() {  # step "description" cmd args...   (runs cmd, logs wall time)
  local desc="$1"; shift
  local t; t=$(date +%s.%N)
  log "$desc ..."
  "$@"
  log "$desc: done in $(elapsed "$t") s"
}

# ---------------------------------------------------------------------------------------
# 1. A real swift on PATH? Then there is nothing to do.
host_swift() {  # prints the first real swift on PATH (skipping our own wrapper)
  local p r
  while IFS= read -r p; do
    r="$(readlink -f -- "$p")" || continue
    [ "$r" = "$WRAPPER_PATH" ] && continue           # our own wrapper, not a real swift
    case "$r" in "$ROOTFS"/*) continue ;; esac        # a swift inside our chroot
    echo "$p"; return 0
  done < <(type -ap swift 2>/dev/null)
  return 1
}
if [ "$force_chroot" != 1 ] && hs="$(host_swift)"; then
  log "host swift found at $hs ($("$hs" --version 2>&1 | head -n1)); nothing to provision."
  exit 0
fi

# ---------------------------------------------------------------------------------------
# 2. Preconditions.
[ "$(uname -s)" = Linux ] || die "no swift on PATH and this is not Linux: install Swift (e.g. Xcode) yourself."
[ "$(id -u)" = 0 ] || die "building/using the Swift chroot needs root (debootstrap, mount, chroot); run as root."
for tool in unshare chroot mount umount findmnt flock; do
  command -v "$tool" >/dev/null || die "missing host tool '$tool' (util-linux/coreutils)."
done

# Interrupted (Ctrl-C, TERM)? Stop here; the stamp is written only after success, so the
# next run redoes whatever did not finish. (apt/dpkg ignore SIGINT while unpacking, so
# the script may stop only once the current step is over.)
exec 3>&2   # the original stderr, for the trap (which may run inside a redirected step)
trap 'echo "swift-toolchain: interrupted; nothing marked ready, rerun to finish." >&3; exit 130' INT TERM HUP

mkdir -p "$CACHE_DIR"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "waiting for $LOCK_FILE (held by another provisioning run or a running scripts/swift.sh) ..."
  flock 9
fi

# Run a command inside the chroot, in a private mount namespace so that the /proc and /dev
# mounts disappear when it exits, whatever happens (even SIGKILL).
in_chroot() {
  unshare --mount --propagation private -- /bin/sh -euc '
    root="$1"; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive "$@"
  ' sh "$ROOTFS" "$@"
}

swift_version_in_chroot() {
  # /usr/bin/swift is an absolute symlink (-> /usr/libexec/swift/bin/swift): test -L, not -x.
  [ -L "$ROOTFS/usr/bin/swift" ] || [ -e "$ROOTFS/usr/bin/swift" ] || return 1
  local out
  out="$(in_chroot swift --version 2>/dev/null)" || return 1
  printf '%s\n' "$out" | grep -i 'swift version' | head -n1 | grep .
}

# Mounts visible on the host below the rootfs come only from scripts/swift.sh runs in its
# fallback mode (no mount namespace), which hold $CACHE_DIR/run.lock while they run. If
# that lock is free, such mounts are stale (left by a SIGKILLed run): unmount them.
mounts_below_rootfs() {
  local real all
  real="$(readlink -f -- "$ROOTFS")"
  # (no `| grep -q` here: with pipefail an early-exiting grep could make the test lie)
  all="$(findmnt -rn -o TARGET)" || die "findmnt failed"
  printf '%s\n' "$all" | awk -v r="$real" 'index($0, r "/") == 1 || $0 == r' | sort -r
}
clear_stale_mounts() {
  local mounts m
  mounts="$(mounts_below_rootfs)"
  [ -n "$mounts" ] || return 0
  exec 7>>"$CACHE_DIR/run.lock"
  if flock -n 7; then
    log "unmounting stale mounts left by an interrupted scripts/swift.sh run:"
    while IFS= read -r m; do
      log "  $m"; umount "$m" 2>/dev/null || umount -l "$m" || true
    done <<< "$mounts"
  fi
  exec 7>&-
}

# Delete the rootfs (and the stamps). Refuses while anything is mounted below it: with the
# repository bind-mounted there, `rm -rf` would delete the repository too.
safe_remove_rootfs() {
  [ -e "$ROOTFS" ] || { rm -f -- "$STAMP" "$BOOTSTRAP_STAMP"; return 0; }
  clear_stale_mounts
  local mounts; mounts="$(mounts_below_rootfs)"
  if [ -n "$mounts" ]; then
    die "refusing to delete $ROOTFS: something is still mounted below it (a bind-mounted
repository would be deleted with it):
$mounts
stop the scripts/swift.sh run using it, or unmount these (umount <path>)."
  fi
  rm -f -- "$STAMP" "$BOOTSTRAP_STAMP"
  rm -rf --one-file-system -- "$ROOTFS"
}

if [ "$rebuild" = 1 ]; then
  log "--rebuild: removing $ROOTFS"
  safe_remove_rootfs
fi

# ---------------------------------------------------------------------------------------
# 3. Cached chroot still good? Reuse it.
if [ -f "$STAMP" ] && [ "$(sed -n 's/^recipe=//p' "$STAMP")" = "$RECIPE" ]; then
  if v="$(swift_version_in_chroot)"; then
    log "reusing cached Swift chroot $ROOTFS: $v (checked in $(elapsed "$T0") s)"
    exit 0
  fi
  log "cached chroot $ROOTFS has a stamp but no working swift; repairing it."
  rm -f -- "$STAMP"
elif [ -f "$STAMP" ]; then
  log "cached chroot was built from another recipe; updating its packages."
  rm -f -- "$STAMP"
fi

# ---------------------------------------------------------------------------------------
# 4. Find the Debian mirror in apt's own configuration.
find_mirror() {
  local codename files=()
  codename="$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  # Candidate = an enabled "deb" entry over http(s) whose suite is exactly the host's
  # codename (so not -security/-updates, nor third-party repos like "nodistro"), with "main".
  # Print "URI" lines, best first; the caller takes the first one.
  local f2
  for f2 in "${files[@]}"; do
    case "$f2" in
      *.sources)
        awk -v cn="$codename" '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && comps ~ /(^| )main( |$)/) {
              ns = split(suites, s, " "); ok = 0
              for (i = 1; i <= ns; i++) if (s[i] == cn) ok = 1
              if (ok) { nu = split(uris, u, " "); for (i = 1; i <= nu; i++) print u[i] }
            }
            types = ""; uris = ""; suites = ""; comps = ""; enabled = ""; last = ""
          }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          /^[ \t]/ {  # continuation line of the previous field
            sub(/^[ \t]+/, "")
            if (last == "uris") uris = uris " " $0
            else if (last == "suites") suites = suites " " $0
            else if (last == "components") comps = comps " " $0
            else if (last == "types") types = types " " $0
            next
          }
          {
            k = tolower($0); sub(/:.*/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v)
            last = k
            if (k == "types") types = v; else if (k == "uris") uris = v
            else if (k == "suites") suites = v; else if (k == "components") comps = v
            else if (k == "enabled") enabled = v
          }
          END { flush() }' "$f2"
        ;;
      *)
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f2" |
          awk -v cn="$codename" '$1 == "deb" && $3 == cn { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; break } }'
        ;;
    esac
  done | grep -E '^https?://' | sed 's:/*$::' | head -n1
}

MIRROR="${HYPERCHECKOUT_SWIFT_MIRROR:-}"
if [ -z "$MIRROR" ]; then
  MIRROR="$(find_mirror)" || true
  [ -n "$MIRROR" ] || die "could not find a Debian mirror (an enabled 'deb' http(s) entry for this
host's codename with component 'main') in /etc/apt/sources.list or /etc/apt/sources.list.d/.
Set HYPERCHECKOUT_SWIFT_MIRROR=<debian mirror URL> to override."
fi
log "Debian mirror (from apt sources): $MIRROR"

# ---------------------------------------------------------------------------------------
# 5. debootstrap a minimal trixie (once; redone if it did not finish).
ensure_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  command -v apt-get >/dev/null || die "debootstrap is missing and there is no apt-get to install it."
  log "installing debootstrap with apt-get"
  local policy
  policy="$(apt-cache policy debootstrap 2>/dev/null)" || true
  case "$policy" in *"Candidate: "[0-9]*) ;; *)   # no package lists yet: update first
    apt_get update -q || die "apt-get update failed" ;;
  esac
  if ! apt_get install -y -q debootstrap; then
    apt_get update -q || die "apt-get update failed"
    apt_get install -y -q debootstrap || die "could not install debootstrap"
  fi
  command -v debootstrap >/dev/null || die "debootstrap still not found after installing it"
}

run_debootstrap() {
  local include=()
  case "$MIRROR" in https://*) include=(--include=ca-certificates) ;; esac
  # In a private mount namespace: mounts debootstrap makes inside the target go away even
  # if it is interrupted.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase "${include[@]}" "$SUITE" "$ROOTFS" "$MIRROR" \
    > "$CACHE_DIR/debootstrap.log" 2>&1 || {
      tail -n 30 "$CACHE_DIR/debootstrap.log" >&2
      die "debootstrap $SUITE from $MIRROR failed (full log: $CACHE_DIR/debootstrap.log)"
    }
}

if [ ! -f "$BOOTSTRAP_STAMP" ] || [ ! -x "$ROOTFS/usr/bin/apt-get" ]; then
  safe_remove_rootfs
  step "installing debootstrap if needed" ensure_debootstrap
  step "debootstrap --variant=minbase $SUITE into $ROOTFS" run_debootstrap
  touch "$BOOTSTRAP_STAMP"
fi

# ---------------------------------------------------------------------------------------
# 6. Install Swift and the C toolchain inside the chroot.
install_packages() {
  cp -L /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true
  # Never start services from maintainer scripts inside the chroot.
  printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"
  chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
  echo "deb $MIRROR $SUITE main" > "$ROOTFS/etc/apt/sources.list"
  # (dpkg --configure -a: finish a dpkg run that an earlier interrupted build left half done)
  in_chroot dpkg --configure -a > "$CACHE_DIR/apt.log" 2>&1 &&
  in_chroot apt-get update -q >> "$CACHE_DIR/apt.log" 2>&1 &&
  in_chroot apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >> "$CACHE_DIR/apt.log" 2>&1 || {
    tail -n 30 "$CACHE_DIR/apt.log" >&2
    die "installing ${PACKAGES[*]} in the chroot failed (full log: $CACHE_DIR/apt.log)"
  }
  in_chroot apt-get clean
}
step "apt-get install ${PACKAGES[*]} (in the chroot)" install_packages

# ---------------------------------------------------------------------------------------
# 7. Verify: swift runs and is Swift 6; swiftc can compile and run a program.
verify() {
  local v
  v="$(swift_version_in_chroot)" || die "swift does not run inside $ROOTFS"
  case "$v" in *"version 6."*) ;; *) die "expected Swift 6 in the chroot, got: $v" ;; esac
  local d=/tmp/hypercheckout-swift-verify
  rm -rf -- "$ROOTFS$d"; mkdir -p "$ROOTFS$d"
  echo 'print("hello from swift")' > "$ROOTFS$d/hello.swift"
  local out
  out="$(in_chroot /bin/sh -c "cd $d && swiftc -o hello hello.swift && ./hello" 2>&1)" || true
  case "$out" in *"hello from swift"*) ;; *)
    printf '%s\n' "$out" >&2; die "swiftc hello world failed inside $ROOTFS" ;; esac
  rm -rf -- "$ROOTFS$d"
  SWIFT_VERSION_LINE="$v"
}
step "verifying swift in the chroot" verify

{
  echo "recipe=$RECIPE"
  echo "swift=$SWIFT_VERSION_LINE"
  echo "mirror=$MIRROR"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$STAMP.tmp"
mv -f -- "$STAMP.tmp" "$STAMP"

log "Swift chroot ready at $ROOTFS: $SWIFT_VERSION_LINE"
log "disk usage: $(du -sh --one-file-system "$ROOTFS" 2>/dev/null | cut -f1)"
log "total time: $(elapsed "$T0") s"
