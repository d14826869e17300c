#!/usr/bin/env bash
# The Debian packages the offline speech engines need (espeak-ng speaks, pocketsphinx listens with
# its en-us model; its headers build voice-api's warm decoder), plus sox for test audio, and zip/unzip,
# which package the App Service artifacts (tools/deploy/package-app.mjs) and unpack them in their test.
# With --browser, also Debian's Chromium, which the browser tests (apps/web-e2e) drive.
# Installs the missing ones when run as root; otherwise prints the command and exits 1.
set -euo pipefail
PACKAGES="espeak-ng sox pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev pkg-config gcc zip unzip"
[ "${1:-}" = "--browser" ] && PACKAGES="$PACKAGES chromium"
missing=()
for p in $PACKAGES; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages for the offline speech engines: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]}"
apt-get update -q || true
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
