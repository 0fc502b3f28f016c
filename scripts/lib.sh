# Shared by the scripts: a pinned pnpm without global installs (corepack is not relied on).
# When pnpm is not on PATH at the pinned version, a small shim that runs it through npx is put
# first on PATH, so tools that spawn `pnpm` themselves (publint's packer) find it too.
PNPM_VERSION=10.34.9
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  shim_dir="${TMPDIR:-/tmp}/keyward-pnpm-shim-$PNPM_VERSION"
  mkdir -p "$shim_dir"
  printf '#!/bin/sh\nexec npx --yes pnpm@%s "$@"\n' "$PNPM_VERSION" > "$shim_dir/pnpm"
  chmod +x "$shim_dir/pnpm"
  export PATH="$shim_dir:$PATH"
fi
pnpm_() { pnpm "$@"; }
