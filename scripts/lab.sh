#!/usr/bin/env bash
# `npm run lab` (or `npm run notebook`): the project's JupyterLab 4 (or Notebook 7) from .venv/ on
# notebooks/, with the tslab kernel that each notebook names in its metadata. Jupyter's token
# authentication stays on: open the URL with ?token=... that it prints.
#   npm run lab                          this machine only (127.0.0.1:8888)
#   npm run lab -- --port 8890           another port
#   npm run lab -- --ip 0.0.0.0          a classroom network: everyone who can reach this machine
#                                        and has the token can run code as you; share the token
#                                        only with the class, and stop the server after the lesson
set -euo pipefail
cd "$(dirname "$0")/.."
APP="${1:-lab}"; shift || true
fail() { echo "npm run $APP: $*" >&2; exit 1; }

[ -x .venv/bin/jupyter-lab ] || fail "JupyterLab is not installed in .venv/: run npm run setup first."
.venv/bin/python -c 'import jupyterlab, notebook' 2>/dev/null || fail ".venv/ is broken (JupyterLab does not import): delete .venv and run npm run setup."
source scripts/jupyter-env.sh
kernels="$(jupyter kernelspec list 2>/dev/null || true)"
grep -q '^ *tslab ' <<<"$kernels" || fail "the TypeScript kernel (tslab) is not registered in .jupyter/: run npm run setup."
[ -f build/lib/index.js ] || fail "the library is not built (build/lib/index.js missing): run npm run setup."

# Find the port and address asked for, to check that the port is free (Jupyter would otherwise
# quietly move to another one).
PORT=8888; IP=127.0.0.1; prev=""
for a in "$@"; do
  case "$prev" in --port) PORT="$a" ;; --ip) IP="$a" ;; esac
  case "$a" in --port=*) PORT="${a#--port=}" ;; --ip=*) IP="${a#--ip=}" ;; esac
  prev="$a"
done
.venv/bin/python - "$IP" "$PORT" <<'PY' || fail "port $PORT on $IP is in use (another Jupyter? see 'jupyter server list'): stop it, or choose another port: npm run $APP -- --port 8890"
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try: s.bind((sys.argv[1], int(sys.argv[2])))
except OSError: sys.exit(1)
PY

ROOT_FLAG=(); [ "$(id -u)" -ne 0 ] || ROOT_FLAG=(--allow-root)
exec jupyter "$APP" --ServerApp.root_dir="$PWD/notebooks" --ServerApp.port_retries=0 --ip="$IP" --port="$PORT" "${ROOT_FLAG[@]}" "$@"
