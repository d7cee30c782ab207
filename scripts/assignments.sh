#!/usr/bin/env bash
# npm run assignments / npm run autograde: nbgrader from the project's .venv, with the project's
# Jupyter folders (the tslab kernel is registered under .jupyter/, nothing goes to your home).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] && .venv/bin/python -c 'import nbgrader' 2>/dev/null || { echo "nbgrader is not installed in .venv: run npm run setup first." >&2; exit 1; }
[ -f build/lib/index.js ] || { echo "The library is not built: run npm run setup (or npm run build) first." >&2; exit 1; }
source scripts/jupyter-env.sh
exec python scripts/assignments.py "$@"
