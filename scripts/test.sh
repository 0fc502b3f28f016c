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
reports=()
status=0
run_vitest() {
  local report
  report=$(mktemp -t keyward-vitest-XXXXXX.json)
  reports+=("$report")
  pnpm_ exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=1
}
run_vitest "$@"
# The portal's flow tests once more on PostgreSQL (the run above used embedded PGlite for them;
# its storage, scale and fault tests already used PostgreSQL).
if [ $# -eq 0 ]; then
  PORTAL_TEST_DB=postgres run_vitest --project portal test/sign-in test/self-service test/fido2 test/multi-process
fi
# One plain closing line over every run, whatever the reporters printed above it.
node -e 'let p = 0, f = 0, s = 0;
  for (const file of process.argv.slice(1)) {
    try { const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
      p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests; } catch { f += 1; }
  }
  console.log(`${p} passed, ${f} failed, ${s} skipped`);' "${reports[@]}"
rm -f "${reports[@]}"
exit $status
