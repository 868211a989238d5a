#!/usr/bin/env bash
# Lints the committed contract (docs/openapi/v1.json) with two independent linters: Spectral's
# `spectral:oas` ruleset and Redocly's `recommended` ruleset. Exits non-zero on any error from either.
# Needs Node.js and npm (not needed by ./test.sh); the linters are installed, pinned, under .data/lint.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
command -v npm >/dev/null 2>&1 || apt_install nodejs npm

tools=.data/lint
if [ ! -x "$tools/node_modules/.bin/spectral" ] || [ ! -x "$tools/node_modules/.bin/redocly" ]; then
  echo "==> npm install @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 (into $tools)"
  mkdir -p "$tools"
  (cd "$tools" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 >/dev/null)
fi
document=docs/openapi/v1.json
printf 'extends: ["spectral:oas"]\n' > "$tools/.spectral.yaml"
printf 'extends:\n  - recommended\n' > "$tools/redocly.yaml"

status=0
echo "==> Spectral (spectral:oas)"
"$tools/node_modules/.bin/spectral" lint "$document" --ruleset "$tools/.spectral.yaml" --fail-severity error || status=1
echo "==> Redocly (recommended)"
"$tools/node_modules/.bin/redocly" lint "$document" --config "$tools/redocly.yaml" --format=summary 2>&1 | grep -v -E '^\s*(║|╔|╚)' || status=1
[ "$status" -eq 0 ] && echo "==> both linters: no errors" || echo "==> a linter reported errors" >&2
exit "$status"
