#!/usr/bin/env bash
# The README's test command: set up from scratch if needed (setup.sh also clears build/ so that
# only tests that exist run), then the unit tests over lib/, every notebook executed with
# nbclient in quick mode, then the browser tests (every notebook in JupyterLab 4 and the
# playground page, in headless Chromium). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> Unit tests (node --test)"
node --test --test-concurrency=1 build/test/*.test.js
echo "==> Notebooks (nbclient from .venv, GAN_QUICK=1, fresh run folders)"
node scripts/run-notebooks.js
echo "==> Browser tests (the notebooks in JupyterLab and the playground, headless Chromium)"
node --test --test-concurrency=1 build/test/browser/*.test.js
