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
results=$(mktemp -t keyward-vitest-XXXXXX.json)
status=0
pnpm_ exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$results" || true
rm -f "$results"
exit $status
