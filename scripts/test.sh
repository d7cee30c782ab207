#!/usr/bin/env bash
# The README's test command: set up from scratch if needed, with the test tools (setup.sh --dev:
# Chromium, PyTorch, SciPy; it also clears build/ so that only tests that exist run), then
#   1. the unit tests over lib/ (backend-independent ones on wasm; kernels wasm against cpu),
#   2. the backend-independent unit tests again on native (tfjs-node on TensorFlow's C library),
#   3. every notebook executed with nbclient in quick mode on native, fresh run folders,
#   4. the browser tests: every notebook in JupyterLab 4 on wasm (the backend of laptops where
#      native does not build), and the playground page, in headless Chromium.
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "==> Lint (npm run lint)"
npm run --silent lint
echo "==> Unit tests (node --test, wasm)"
node --test --test-concurrency=1 --test-timeout=1500000 build/test/*.test.js
node -e "require('tfjs-node-native')" 2>/dev/null || { echo "The native backend did not build (see set-up above); run npm run setup:native for the reason." >&2; exit 1; }
echo "==> Backend-independent unit tests on native (GAN_TEST_BACKEND=native)"
GAN_TEST_BACKEND=native node --test --test-concurrency=1 --test-timeout=1500000 build/test/training-direction.test.js build/test/known-answers.test.js build/test/pretrained.test.js
echo "==> Notebooks (nbclient from .venv, GAN_QUICK=1, native, fresh run folders)"
GAN_BACKEND=native node scripts/run-notebooks.js
echo "==> Browser tests (the notebooks in JupyterLab on wasm, and the playground; headless Chromium)"
node --test --test-concurrency=1 --test-timeout=1500000 build/test/browser/*.test.js
