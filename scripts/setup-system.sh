#!/usr/bin/env bash
# Installs the system packages the tests need, only when missing: Debian's chromium (browser
# tests, driven by playwright-core) and postgresql (the portal's PostgreSQL tests).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "setup-system: installing ${need[*]}" >&2
SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "setup-system: ${need[*]} missing and not root; install them with your package manager" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
