#!/usr/bin/env bash
# The README's test command: set up from scratch if needed, then run the unit tests over
# lib/, execute every notebook in quick mode, then the browser tests (Jupyter Notebook and the
# playground page in headless Chromium). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Unit tests (node --test)"
node --test --test-concurrency=1 build/test/*.test.js
echo "==> Notebooks (jupyter nbconvert --execute, GAN_QUICK=1)"
node scripts/run-notebooks.js
echo "==> Browser tests (Jupyter Notebook and the playground in headless Chromium)"
node --test --test-concurrency=1 build/test/browser/*.test.js
