# shellcheck shell=bash
# Sourced by the scripts that install Debian packages. `apt_get ARGS...` is apt-get that
# waits while another apt or dpkg run holds its lock (a fresh machine's first-boot upgrades,
# another script installing at the same time) instead of failing at once: a test run here
# once lost its tinyproxy step to "Could not get lock /var/lib/dpkg/lock-frontend. It is held
# by process ... (apt-get)". dpkg's lock is waited for by apt itself (DPkg::Lock::Timeout);
# the package lists' lock (`apt-get update`) is not, so a lock message is retried, up to 10
# minutes. Any other failure returns at once with apt's output.
apt_get() {
  local attempt output status
  for attempt in $(seq 1 40); do
    status=0  # (set -e in the caller must not end the script before the output is shown)
    output=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1) || status=$?
    if [ "$status" = 0 ]; then
      [ -z "$output" ] || printf '%s\n' "$output"  # stdout, as apt-get's own (callers may drop it)
      return 0
    fi
    case "$output" in
      *"Could not get lock"* | *"Unable to lock"* | *"Unable to acquire the dpkg frontend lock"*)
        echo "apt-get $1: another apt/dpkg run holds the lock; waiting (attempt $attempt of 40)" >&2
        sleep 15 ;;
      *)
        printf '%s\n' "$output" >&2
        return "$status" ;;
    esac
  done
  printf '%s\n' "$output" >&2
  return 1
}
