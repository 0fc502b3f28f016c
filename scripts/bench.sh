#!/usr/bin/env bash
# `pnpm bench [filter…]`: Keyward side by side with its peers, in one process per file group.
set -euo pipefail
cd "$(dirname "$0")/../bench"
exec node --import tsx --conditions=@keyward/source run.ts "$@"
