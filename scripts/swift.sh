#!/usr/bin/env bash
# Run `swift ARGS...` for this repository.
#
# - With a real `swift` on PATH (macOS, a Swift Docker image, ...): exec it directly.
# - Otherwise: run it inside the cached Debian trixie chroot made by scripts/swift-toolchain.sh
#   (built on first use). The repository root -- $HYPERCHECKOUT_REPO, else the git toplevel
#   of the current directory, else the repo holding this script -- is bind-mounted at the
#   SAME absolute path inside the chroot and swift runs in the same working directory, so
#   paths in build outputs are identical to the host's. The current directory must be
#   inside that repository root.
#
# Mounts (/proc, /dev/{null,zero,full,random,urandom,tty}, a tmpfs on /dev/shm, the repo)
# are made in a private mount namespace (unshare), so they are never visible on the host,
# exist only for this run and vanish with it, even on Ctrl-C or SIGKILL. If mount
# namespaces are unavailable (or HYPERCHECKOUT_SWIFT_NO_UNSHARE=1), the mounts are made in
# the host namespace instead: runs are serialised with a lock, an EXIT/INT/TERM/HUP trap
# unmounts them, and stale ones left by a SIGKILLed run are removed by the next run.
#
# Environment inside the chroot: the caller's environment, minus host-specific variables
# (PATH, HOME, TMPDIR/TMP/TEMP, SHELL, LANG/LC_*, LD_PRELOAD, XDG_*, ...), plus
# HOME=/root, TMPDIR=/tmp, LANG=C.UTF-8 and the chroot's PATH. LD_LIBRARY_PATH is passed
# through (use repo paths: only the repository is visible inside the chroot).
#
# Exit code: swift's.
#   HYPERCHECKOUT_SWIFT_USE_CHROOT=1  use the chroot even if a host swift exists
#   HYPERCHECKOUT_SWIFT_CACHE=DIR     cache directory (default ~/.cache/hypercheckout/swift-trixie)
#   HYPERCHECKOUT_REPO=DIR            directory to bind-mount (default: git toplevel of $PWD)
#   HYPERCHECKOUT_SWIFT_TOOL=NAME     run another tool of the toolchain instead of `swift`
#                                     (e.g. `docc`, which the chroot's swiftlang ships in
#                                     /usr/libexec/swift/bin; on a host: PATH, else xcrun)
# See docs/swift-toolchain.md.
set -euo pipefail

die() { echo "swift.sh: ERROR: $*" >&2; exit 1; }

tool="${HYPERCHECKOUT_SWIFT_TOOL:-swift}"
case "$tool" in
  *[!a-z0-9-]* | "") die "HYPERCHECKOUT_SWIFT_TOOL=$tool: a tool name (letters, digits, -) expected" ;;
esac

SCRIPT_PATH="$(readlink -f -- "${BASH_SOURCE[0]}")"
SCRIPT_DIR="$(dirname -- "$SCRIPT_PATH")"
TOOLCHAIN="$SCRIPT_DIR/swift-toolchain.sh"
CACHE_DIR="${HYPERCHECKOUT_SWIFT_CACHE:-${HOME:-/root}/.cache/hypercheckout/swift-trixie}"
ROOTFS="$CACHE_DIR/rootfs"

# ---------------------------------------------------------------------------------------
# Host swift: use it directly.
if [ "${HYPERCHECKOUT_SWIFT_USE_CHROOT:-0}" != 1 ] && [ "$tool" != swift ]; then
  if type -P swift >/dev/null 2>&1 && [ "$(readlink -f -- "$(type -P swift)")" != "$SCRIPT_PATH" ] \
     && ! readlink -f -- "$(type -P swift)" | grep -q "^$ROOTFS/"; then
    command -v "$tool" >/dev/null 2>&1 && exec "$tool" "$@"
    command -v xcrun >/dev/null 2>&1 && exec xcrun "$tool" "$@"
    die "a host swift exists but $tool was not found next to it"
  fi
fi
if [ "${HYPERCHECKOUT_SWIFT_USE_CHROOT:-0}" != 1 ] && [ "$tool" = swift ]; then
  while IFS= read -r p; do
    r="$(readlink -f -- "$p")" || continue
    [ "$r" = "$SCRIPT_PATH" ] && continue               # this wrapper
    case "$r" in "$ROOTFS"/*) continue ;; esac
    exec "$p" "$@"
  done < <(type -ap swift 2>/dev/null)
fi

# ---------------------------------------------------------------------------------------
# Chroot.
[ "$(uname -s)" = Linux ] || die "no swift on PATH; install Swift (e.g. Xcode) on this machine."
[ "$(id -u)" = 0 ] || die "running swift in the chroot needs root (mount, chroot)."

if [ -n "${HYPERCHECKOUT_REPO:-}" ]; then
  REPO="$HYPERCHECKOUT_REPO"
elif ! REPO="$(git rev-parse --show-toplevel 2>/dev/null)"; then
  REPO="$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel 2>/dev/null)" ||
    die "cannot find the repository root: set HYPERCHECKOUT_REPO."
fi
REPO="$(readlink -f -- "$REPO")"
[ -d "$REPO" ] || die "repository root $REPO is not a directory"
[ "$REPO" != / ] || die "refusing to bind-mount / as the repository root"
CWD="$(pwd -P)"
case "$CWD/" in
  "$REPO"/*) ;;
  *) die "the current directory $CWD is outside the repository root $REPO, which is the
only host directory visible inside the Swift chroot. cd into it or set HYPERCHECKOUT_REPO." ;;
esac
case "$REPO/" in
  /proc/*|/dev/*|/sys/*|/usr/*|/etc/*|/bin/*|/sbin/*|/lib/*|/lib64/*|/var/lib/*)
    die "repository root $REPO would shadow a system directory inside the chroot" ;;
esac

# Build the chroot on first use (or when its recipe changed).
if ! "$TOOLCHAIN" --is-ready; then
  "$TOOLCHAIN" --force-chroot || die "could not provision the Swift chroot (see above)."
fi
[ -d "$ROOTFS" ] || die "Swift chroot $ROOTFS is missing"
ROOTFS="$(readlink -f -- "$ROOTFS")"

# Environment for swift: caller's environment minus host-specific variables.
env_args=()
while IFS= read -r name; do
  case "$name" in
    PATH|HOME|PWD|OLDPWD|SHELL|SHLVL|_|TMPDIR|TMP|TEMP|TEMPDIR|LANG|LANGUAGE|LC_*|\
    LD_PRELOAD|LD_AUDIT|XDG_*|DBUS_*|SSH_*|MAIL|USER|LOGNAME|BASH_ENV|ENV|CDPATH|\
    HYPERCHECKOUT_SWIFT_*) continue ;;
  esac
  env_args+=("$name=${!name}")
done < <(compgen -e)
env_args+=(HOME=/root TMPDIR=/tmp LANG=C.UTF-8 USER=root LOGNAME=root
           PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)

# The part that makes the mounts and runs swift. Arguments: ROOTFS REPO CWD MODE TOOL ENV... -- ARGS
# MODE=ns: inside a private mount namespace (mounts vanish with it);
# MODE=host: in the host namespace, the EXIT trap is what removes the mounts.
INNER='
set -eu
root=$1 repo=$2 cwd=$3 mode=$4 tool=$5; shift 5
envs=()
while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  mounted=()
}
on_signal() { cleanup; trap - "$1"; kill -s "$1" $$; }
trap cleanup EXIT
for s in INT TERM HUP QUIT; do trap "on_signal $s" "$s"; done
mnt() { mount "$@"; mounted+=("${!#}"); }   # last argument is the mount point
mnt -t proc proc "$root/proc"
for d in null zero full random urandom tty; do
  [ -e "/dev/$d" ] || continue
  [ -e "$root/dev/$d" ] || touch "$root/dev/$d"
  mnt --bind "/dev/$d" "$root/dev/$d"
done
mkdir -p "$root/dev/shm"
mnt -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
mkdir -p "$root$repo"
mnt --bind "$repo" "$root$repo"
if [ "$mode" = ns ]; then
  # Nothing outlives this namespace: exec so swift gets the terminal signals directly.
  trap - EXIT INT TERM HUP QUIT
  exec chroot "$root" /usr/bin/env -i "${envs[@]}" /bin/sh -c "cd \"\$0\" && PATH=\"\$PATH:/usr/libexec/swift/bin\" exec $tool \"\$@\"" "$cwd" "$@"
fi
# host mode: keep this shell alive to unmount afterwards; propagate swift status.
set +e
chroot "$root" /usr/bin/env -i "${envs[@]}" /bin/sh -c "cd \"\$0\" && PATH=\"\$PATH:/usr/libexec/swift/bin\" exec $tool \"\$@\"" "$cwd" "$@" &
child=$!
# A background child of a non-interactive shell ignores SIGINT/SIGQUIT, so forward TERM.
for s in INT TERM HUP QUIT; do trap "kill -s TERM $child 2>/dev/null" "$s"; done
while :; do
  wait "$child"; rc=$?
  kill -0 "$child" 2>/dev/null || break   # wait returned because of a trapped signal
done
exit "$rc"
'

# Hold a shared lock on the cache while swift runs, so that `swift-toolchain.sh --rebuild`
# (which takes it exclusively) cannot delete the chroot under a running swift.
exec 8>>"$CACHE_DIR/lock"
flock -s 8

if [ "${HYPERCHECKOUT_SWIFT_NO_UNSHARE:-0}" != 1 ] &&
   unshare --mount --propagation private -- true 2>/dev/null; then
  exec unshare --mount --propagation private -- \
    bash -c "$INNER" inner "$ROOTFS" "$REPO" "$CWD" ns "$tool" "${env_args[@]}" -- "$@"
fi

# Fallback without mount namespaces: serialise runs and clear stale mounts first.
exec 7>>"$CACHE_DIR/run.lock"
flock 7
stale="$(findmnt -rn -o TARGET | awk -v r="$ROOTFS" 'index($0, r "/") == 1' | sort -r)" || true
if [ -n "$stale" ]; then
  echo "swift.sh: removing stale mounts from an interrupted run:" >&2
  printf '%s\n' "$stale" | sed 's/^/  /' >&2
  while IFS= read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done <<< "$stale"
fi
exec bash -c "$INNER" inner "$ROOTFS" "$REPO" "$CWD" host "$tool" "${env_args[@]}" -- "$@"
