#!/usr/bin/env bash
# Installs the Debian packages the collector's tests run against: a real IPP printer
# (ippeveprinter + ipptool from cups-ipp-utils), avahi + dbus (ippeveprinter registers over DNS-SD
# and refuses to start without them), openssl (the tests mint a throw-away CA), and chromium (the
# console's end-to-end test drives it with playwright-core; no browser is downloaded), and systemd
# (test/foundation/systemd-units.test.ts checks ops/systemd with systemd-analyze verify). Idempotent:
# packages already present are skipped, so CI can call it on every run.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

# package -> a file it installs, used to detect that it is already there without asking dpkg
# about every package (dpkg may be absent on non-Debian runners, where this script then fails loudly).
declare -A PROBE=(
  [cups-ipp-utils]=/usr/sbin/ippeveprinter
  [avahi-daemon]=/usr/sbin/avahi-daemon
  [dbus]=/usr/bin/dbus-daemon
  [openssl]=/usr/bin/openssl
  [chromium]=/usr/bin/chromium
  [systemd]=/usr/bin/systemd-analyze
)

missing=()
for pkg in "${!PROBE[@]}"; do
  if [[ ! -e "${PROBE[$pkg]}" ]] && ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-test-deps: all test dependencies already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-test-deps: missing ${missing[*]} and apt-get is not available; install them by hand" >&2
  exit 1
fi

SUDO=''
if [[ $(id -u) -ne 0 ]]; then SUDO='sudo'; fi

echo "install-test-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
