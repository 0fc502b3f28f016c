#!/usr/bin/env bash
# `npm test`: installs everything (system packages when missing, then the workspace from the
# lockfile), builds the packages, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bash scripts/setup-system.sh
pnpm_ install --frozen-lockfile
pnpm_ run build
pnpm_ exec vitest run "$@"
