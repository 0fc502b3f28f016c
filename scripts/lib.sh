# Shared by the scripts: a pinned pnpm without global installs (corepack is not relied on).
PNPM_VERSION=10.34.9
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
  PNPM=(pnpm)
else
  PNPM=(npx --yes "pnpm@$PNPM_VERSION")
fi
pnpm_() { "${PNPM[@]}" "$@"; }
