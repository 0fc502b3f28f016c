#!/usr/bin/env bash
# `npm start`: installs the workspace from the lockfile, builds it, and serves the portal on
# http://localhost:${PORT:-3000} with an embedded database and the demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
pnpm_ install --frozen-lockfile
pnpm_ run build
exec node examples/portal/dist/server.js "$@"
