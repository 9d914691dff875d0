#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those still missing.
set -euo pipefail
# command-name:package pairs (a name starting with / is a file that must exist)
needed=(
  "sqlite3:sqlite3"
  "chromium:chromium"   # the browser suite (tests/browser), driven by Playwright; never a downloaded browser
  "npm:npm"             # installs axe-core for the browser suite
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"   # a font for the browser's screenshots
  # the real CKAN the publisher tests start (../shared/tools/ckan-test/ckan-up.sh)
  "bc:bc"
  "curl:curl"
  "pg_ctlcluster:postgresql"
  "pg_config:libpq-dev"
  "redis-server:redis-server"
)
missing=()
for pair in "${needed[@]}"; do
  name="${pair%%:*}"
  if [[ "$name" == /* ]]; then
    [ -e "$name" ] || missing+=("${pair#*:}")
  else
    command -v "$name" >/dev/null 2>&1 || missing+=("${pair#*:}")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Bitte als root installieren: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
