#!/usr/bin/env bash
# Sets up gan-lab on Debian/Ubuntu, installing only what is missing (a second run is quick).
#   bash scripts/setup.sh          what running the lessons needs (npm start, npm run setup)
#   bash scripts/setup.sh --dev    that, plus what only the tests and the bench use (npm test,
#                                  npm run setup:dev): Chromium, PyTorch, SciPy, Pillow
#   Debian   the Fashion-MNIST files, python3-venv when needed; --dev: Chromium (browser tests)
#   Python   .venv/ inside the project, from the exact pins in requirements.txt (JupyterLab 4,
#            Notebook 7, nbconvert/nbclient, nbgrader); --dev: requirements-dev.txt too (PyTorch
#            CPU, SciPy, Pillow: the test references and the bench) — stamps skip them when unchanged
#   npm      npm ci (skipped when node_modules matches package-lock.json); --dev: also in lite/kernel
#            (the JupyterLite kernel extension's builder), and jupyterlite-core into .venv
#   build    the library (TypeScript -> build/) and the playground page (web/dist/)
#   kernel   tslab registered into .jupyter/ inside the project (nothing goes to your home folder)
#   native   TensorFlow's C library for tfjs-node, from PyPI (scripts/setup-native.sh), when
#            tfjs-node did not install a working backend by itself; optional: wasm is the fallback
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

fail() { echo "setup: $*" >&2; exit 1; }
DEV=0
for a in "$@"; do
  case "$a" in --dev) DEV=1 ;; *) fail "unknown option $a (use --dev for the test tools, or nothing)" ;; esac
done

PYTHON="${GAN_PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || fail "no $PYTHON on PATH: install Python 3.10+ (apt-get install python3 python3-venv) or set GAN_PYTHON."

DEBIAN_PACKAGES=(dataset-fashion-mnist)
[ "$DEV" = 1 ] && DEBIAN_PACKAGES+=(chromium)
# Debian's python3 needs python3-venv for `python3 -m venv` (a pyenv or python.org Python has it).
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || DEBIAN_PACKAGES+=(python3-venv)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq || fail "apt-get update failed: check the network / apt sources, then run npm run setup again."
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed (see above): fix apt, then run npm run setup again."
fi

# Python environment. Each requirements file has a stamp (its hash), written only after pip
# succeeded, so an interrupted or failed install is redone next time instead of looking complete.
VENV="$ROOT/.venv"
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c 'import jupyterlab, nbclient' 2>/dev/null && ls "$VENV"/.gan-lab-*.sha256 >/dev/null 2>&1; then
  echo "==> .venv is broken (its Python or packages do not load, e.g. the Python it was made from changed): recreating it"
  rm -rf "$VENV"
fi
pip_install() {  # pip_install FILE: the pins of FILE into .venv, unless its stamp says they are there
  local file="$1" stamp="$VENV/.gan-lab-${1//\//-}.sha256" want
  want="$(sha256sum "$file" | cut -d' ' -f1)"
  [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || return 0
  echo "==> Python packages into .venv/ (pip install -r $file)"
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; fail "python -m venv .venv failed: install python3-venv (apt-get install python3-venv) and run npm run setup again."; }
  rm -f "$stamp"
  # (pip's warnings about this machine's missing extra package folders are filtered out)
  if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$file" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); then
    fail "pip could not install $file into .venv (no network to PyPI? a proxy needs PIP_INDEX_URL / HTTPS_PROXY): fix that and run the set-up again; .venv is left unstamped for it and will be redone."
  fi
  echo "$want" > "$stamp"
}
pip_install requirements.txt
[ "$DEV" = 1 ] && pip_install requirements-dev.txt
[ "$DEV" = 1 ] && pip_install lite/requirements.txt   # JupyterLite, for the site's browser test (npm run lite installs it too)

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed (see above): check the network to the npm registry, then run npm run setup again."
fi
# The JupyterLite kernel extension's own packages (JupyterLite's services, the extension builder):
# only with --dev (the site's test); npm run lite installs them when it first runs.
if [ "$DEV" = 1 ] && { [ ! -d lite/kernel/node_modules ] || [ lite/kernel/package-lock.json -nt lite/kernel/node_modules/.package-lock.json ]; }; then
  echo "==> npm ci in lite/kernel"
  (cd lite/kernel && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in lite/kernel failed (see above): check the network to the npm registry, then run the set-up again."
fi

echo "==> Building the library (TypeScript -> build/) and the playground page (web/dist/)"
rm -rf build/lib build/lite build/test   # tsc never deletes output: a renamed or deleted file must not linger
npx tsc -p tsconfig.json
npm run --silent build:web

echo "==> Registering the tslab kernel in $ROOT/.jupyter (Python: .venv)"
node_modules/.bin/tslab install --python="$VENV/bin/python" --binary="$ROOT/node_modules/.bin/tslab" --prefix="$ROOT/.jupyter" >/dev/null
source scripts/jupyter-env.sh
# JupyterLab without its "get notified about Jupyter news?" pop-up (it would fetch from the web).
mkdir -p .jupyter/config/labconfig
echo '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}' > .jupyter/config/labconfig/page_config.json
kernels="$(jupyter kernelspec list)"  # captured first: grep -q closing the pipe early breaks jupyter's output
grep -q '^ *tslab ' <<<"$kernels" || fail "the tslab kernel did not register: $kernels"

# The native backend: tfjs-node's own install downloads TensorFlow from outside the npm registry;
# where that did not give a working backend, build it against the tensorflow-cpu wheel from PyPI.
if [ -f scripts/setup-native.sh ] && [ "${GAN_SKIP_NATIVE:-0}" != "1" ]; then
  if ! node -e "require('tfjs-node-native')" >/dev/null 2>&1; then
    bash scripts/setup-native.sh || echo "==> Native backend unavailable (reason above); the notebooks and tools use wasm."
  fi
fi

cat <<MSG
==> Ready. Open the notebooks in JupyterLab with the project's TypeScript kernel:
      npm run lab
MSG
