#!/usr/bin/env bash
# Browser tests (-m browser): Debian's Chromium driven by Playwright's Python package (no `playwright install`:
# it would download a browser), with axe-core from npm injected for the accessibility check.
# Called by .ci/run inside its virtual environment (pip install -e '.[test]' already brought playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
axe_dir="$(mktemp -d)"
npm install --silent --no-audit --no-fund --prefix "$axe_dir" axe-core
export EHDS_AXE_JS="$axe_dir/node_modules/axe-core/axe.min.js"
export EHDS_CHROMIUM="${EHDS_CHROMIUM:-/usr/bin/chromium}"
# Screenshots of each step: bench/out/browser/*.png (ignored by git; CI keeps them as artefacts).
EHDS_SHARED_DIR=/nonexistent/shared python -m pytest -m browser -p no:cacheprovider tests/browser
