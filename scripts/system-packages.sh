#!/usr/bin/env bash
# The Debian packages RehabPath needs beyond Python: WeasyPrint's libraries and fonts (PDFs),
# poppler-utils (the tests read PDFs back), Chromium (browser tests), and the PostgreSQL and
# Redis clients CI uses. One list, used by `make test`, `make bench` and .ci/run.
#
# Installs whatever is missing when it can (root, or sudo without a password); otherwise stops
# with the exact apt-get line to run. Quiet and fast when everything is present.
set -euo pipefail

packages=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
  fontconfig fonts-dejavu-core fonts-liberation
  poppler-utils chromium
)
# CI also needs the service clients; `make test` on a laptop does not.
if [ "${WITH_SERVICE_CLIENTS:-0}" = 1 ]; then
  packages+=(postgresql-client redis-tools)
fi
if [ "${WITH_BENCH_TOOLS:-0}" = 1 ]; then
  packages+=(wrk)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages: not a Debian-based system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo -n)
else
  echo "RehabPath needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo sh -c '$line'" >&2
  exit 1
fi
echo "system-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
