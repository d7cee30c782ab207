#!/usr/bin/env bash
# npm run lite: builds the lessons' JupyterLite site into build/lite/site/ (scripts/build-lite-site.mjs:
# JupyterLite, the TypeScript kernel extension, the notebooks, the data) and serves it at
# http://127.0.0.1:8000/lab/index.html with Python's http.server, on loopback only.
#   npm run lite                      build, then serve
#   npm run lite -- --build-only      build (then publish build/lite/site/ on any static host)
#   npm run lite -- --serve-only      serve the site built before
#   GAN_LITE_PORT=8001 / GAN_LITE_HOST=0.0.0.0 (a classroom's LAN: every address of this machine)
# The site holds no one's files: a student's edits and runs stay in their own browser's storage.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "npm run lite: the project's Python (.venv) is missing: run npm run setup first." >&2; exit 1; }
[ -d node_modules ] || { echo "npm run lite: node_modules is missing: run npm run setup first." >&2; exit 1; }
if [ "${1:-}" != "--serve-only" ]; then node scripts/build-lite-site.mjs; fi
[ "${1:-}" = "--build-only" ] && exit 0
[ -f build/lite/site/index.html ] || { echo "npm run lite: build/lite/site/ is not built: run npm run lite (or --build-only) first." >&2; exit 1; }
HOST="${GAN_LITE_HOST:-127.0.0.1}"
PORT="${GAN_LITE_PORT:-8000}"
echo "==> Serving build/lite/site/ at http://$HOST:$PORT/lab/index.html (Ctrl-C to stop)"
exec .venv/bin/python -m http.server --bind "$HOST" --directory build/lite/site "$PORT"
