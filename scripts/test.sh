#!/usr/bin/env bash
# `npm test`: installs everything (system packages when missing, then the workspace from the
# lockfile), builds the packages, starts a throwaway PostgreSQL for the portal's storage tests,
# and runs every test (arguments go to vitest).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/setup-system.sh
pnpm_ install --frozen-lockfile
pnpm_ run build
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(bash scripts/postgres.sh start)
  export DATABASE_URL
  trap 'bash scripts/postgres.sh stop' EXIT
fi
pnpm_ exec vitest run "$@"
