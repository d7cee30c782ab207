#!/usr/bin/env bash
# Sets up .venv-keras/ inside the project: TensorFlow for Python (tensorflow-cpu, pinned in
# scripts/requirements-native.txt, the same build whose C library the native backend uses) and
# the Keras 3 that comes with it, for the Keras reference of `npm run bench` (scripts/bench_keras.py).
# A venv of its own because tensorflow-cpu 2.17 needs numpy<2, and .venv has numpy 2.
#
# Usage: bash scripts/setup-keras.sh [--force]
#   Idempotent: a stamp (hash of the requirements and of the pins below) makes a re-run return at
#   once; --force recreates the venv. The tensorflow-cpu wheel that scripts/setup-native.sh keeps in
#   ${SETUP_NATIVE_CACHE:-.cache/native}/wheels is installed from there when its sha256 is the one
#   setup-native.sh pins, so it is not downloaded twice; the rest (numpy<2, keras, ...) comes from PyPI.
# Environment: GAN_PYTHON (default python3, 3.9-3.12: tensorflow-cpu 2.17 has wheels for these),
#   SETUP_NATIVE_CACHE (as setup-native.sh), PIP_CACHE_DIR (default .cache/pip in the project:
#   nothing goes to your home folder), KERAS_HOME (default .cache/keras in the project).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SCRIPT_REV=1
REQ=scripts/requirements-native.txt
VENV=$ROOT/.venv-keras
STAMP=$VENV/.setup-keras.stamp
# Keras 3 as released beside TensorFlow 2.17 (tensorflow-cpu 2.17 asks only for keras>=3.2). Not 3.6:
# compiling the composite there drops the compiled D's loss tracker, and the tutorials' D.train_on_batch
# then fails (keras-team/keras#20474). Nor the newest, which is written against newer TensorFlow.
EXTRA_PINS=("keras==3.5.0")
WHEELS=${SETUP_NATIVE_CACHE:-$ROOT/.cache/native}/wheels
export PIP_CACHE_DIR=${PIP_CACHE_DIR:-$ROOT/.cache/pip}
# Keras writes keras.json into $KERAS_HOME (default ~/.keras) when it is imported.
export KERAS_HOME=${KERAS_HOME:-$ROOT/.cache/keras}
PYTHON=${GAN_PYTHON:-python3}

FORCE=0
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
    *) echo "[setup-keras] unknown argument: $arg (use --force or --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[setup-keras] %s\n' "$*"; }
fail() { printf '[setup-keras] %s\n' "$*" >&2; exit 1; }

[ -f "$REQ" ] || fail "$REQ is missing: run this from a gan-lab checkout."
TF_VERSION=$(sed -n 's/^[[:space:]]*tensorflow-cpu[[:space:]]*==[[:space:]]*\([0-9][0-9.]*\).*/\1/p' "$REQ" | head -n 1)
[ -n "$TF_VERSION" ] || fail "no 'tensorflow-cpu==X.Y.Z' line in $REQ: restore it (git checkout $REQ)."
KEY="rev $SCRIPT_REV | $(sha256sum "$REQ" | cut -d' ' -f1) | ${EXTRA_PINS[*]}"

# The stamp alone is not enough: the Python the venv was made from may have gone away.
loads() { "$VENV/bin/python" -c "import tensorflow as tf, keras; assert tf.__version__ == '$TF_VERSION', tf.__version__" >/dev/null 2>&1; }
if [ "$FORCE" -eq 0 ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$KEY" ] && loads; then
  log "already set up (tensorflow-cpu $TF_VERSION in .venv-keras); nothing to do (--force recreates it)"
  exit 0
fi

T0=$(date +%s)
command -v "$PYTHON" >/dev/null 2>&1 || fail "no $PYTHON on PATH: install Python 3.9-3.12 (apt-get install python3 python3-venv) or set GAN_PYTHON, then re-run bash scripts/setup-keras.sh."
PYV=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case $PYV in 3.9|3.10|3.11|3.12) ;; *) fail "$PYTHON is Python $PYV; tensorflow-cpu $TF_VERSION has wheels for 3.9-3.12 only: set GAN_PYTHON to one of those, then re-run bash scripts/setup-keras.sh." ;; esac
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "tensorflow-cpu's manylinux wheels are for Linux x86_64 only (this is $(uname -s)-$(uname -m))."

if [ "$FORCE" -eq 1 ] || { [ -e "$VENV" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; }; then
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  log "creating .venv-keras with $PYTHON ($PYV)"
  "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; fail "$PYTHON -m venv .venv-keras failed: install python3-venv (apt-get install python3-venv), then re-run bash scripts/setup-keras.sh."; }
fi
rm -f "$STAMP"

# The wheel setup-native.sh keeps, when its sha256 is the one setup-native.sh pins: named on pip's
# command line (with --find-links alone pip still takes PyPI's copy of the same file).
LOCAL_WHEEL=()
WHEEL=$(ls "$WHEELS"/tensorflow_cpu-"$TF_VERSION"-*manylinux2014_x86_64.whl 2>/dev/null | head -n 1 || true)
WANT_SHA=$(sed -n "s/^[[:space:]]*\[$TF_VERSION\]=\([0-9a-f]\{64\}\).*/\1/p" scripts/setup-native.sh 2>/dev/null | head -n 1)
if [ -n "$WHEEL" ] && [ -n "$WANT_SHA" ] && [ "$(sha256sum "$WHEEL" | cut -d' ' -f1)" = "$WANT_SHA" ]; then
  LOCAL_WHEEL=("$WHEEL")
  log "pip install -r $REQ ${EXTRA_PINS[*]} (tensorflow-cpu from $WHEELS, the rest from PyPI)"
else
  log "pip install -r $REQ ${EXTRA_PINS[*]} (no cached wheel in $WHEELS: downloading tensorflow-cpu, about 220 MB)"
fi
mkdir -p "$PIP_CACHE_DIR" "$ROOT/.cache"
PIP_LOG=$ROOT/.cache/setup-keras-pip.log
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
    -r "$REQ" "${LOCAL_WHEEL[@]}" "${EXTRA_PINS[@]}" >"$PIP_LOG" 2>&1; then
  tail -n 5 "$PIP_LOG" | sed 's/^/    /' >&2
  fail "pip could not install $REQ into .venv-keras (full log: .cache/setup-keras-pip.log): check the network to PyPI (a proxy needs PIP_INDEX_URL / HTTPS_PROXY), then re-run bash scripts/setup-keras.sh; .venv-keras stays unstamped and is redone."
fi

VERSIONS=$(TF_CPP_MIN_LOG_LEVEL=2 "$VENV/bin/python" -c "
import numpy, tensorflow as tf, keras
assert tf.__version__ == '$TF_VERSION', 'TensorFlow ' + tf.__version__
x = keras.layers.Conv2D(2, 3)(tf.ones([1, 5, 5, 1]))
assert tuple(x.shape) == (1, 3, 3, 2), x.shape
print('tensorflow-cpu %s, keras %s, numpy %s' % (tf.__version__, keras.__version__, numpy.__version__))
" 2>"$ROOT/.cache/setup-keras-check.log") \
  || fail "TensorFlow does not import in .venv-keras (see .cache/setup-keras-check.log): bash scripts/setup-keras.sh --force recreates it."
echo "$KEY" > "$STAMP"
log "done in $(( $(date +%s) - T0 ))s: $VERSIONS in .venv-keras (npm run bench uses it for the Keras reference)"
