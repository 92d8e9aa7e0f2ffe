#!/bin/sh
# Installs the Debian 12 packages dcsim needs to build and test, calling
# apt-get only for those that are missing.  Safe to run repeatedly.
set -eu

# libpcap-dev: monitor.pcap.  tshark: tests/scenarios/pcap.sh reads the
# traces (the test skips without it).  gnuplot-nox: draws the plots of
# report.html (a run without it warns and writes no report).  chromium:
# tests/cli/report.sh renders report.html headless (skips without it).
PKGS="gcc make libc6-dev linux-libc-dev pkg-config libyaml-dev libpcap-dev
perl tshark gnuplot-nox chromium"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -q
# tshark's package asks whether non-root users may capture; say no
# without asking (dcsim only reads files with it).
echo "wireshark-common wireshark-common/install-setuid boolean false" |
    $SUDO debconf-set-selections
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
