#!/usr/bin/env bash
# Installs the optional native backend, tfjs-node-native (= @tensorflow/tfjs-node@4.22.0, see
# package.json), WITHOUT tfjs-node's own install step, which downloads libtensorflow 2.9.1 from
# storage.googleapis.com. Instead:
#   - libtensorflow (C API: libtensorflow_cc.so.2 + libtensorflow_framework.so.2 + the C headers)
#     is taken from PyPI's tensorflow-cpu wheel pinned in scripts/requirements-native.txt
#     (the wheel is only downloaded and unzipped; TensorFlow is not pip-installed);
#   - the addon (tfjs_binding.node) is compiled from tfjs-node's own sources with node-gyp;
#   - the package and its dependencies come from npm exactly as package-lock.json pins them,
#     with install scripts skipped.
# Needs: Linux x86_64 with AVX, node + npm, python3 with pip, g++, make; network access to
# PyPI and the npm registry on the first run only (later runs use the cache).
#
# Usage: bash scripts/setup-native.sh [--force]
#   Idempotent: a stamp in node_modules/tfjs-node-native makes a re-run return at once. Run it
#   again after "npm ci" (which deletes node_modules, and whose own tfjs-node install step fails
#   offline, so npm drops the optional package); that re-run takes seconds (everything cached).
# Environment: SETUP_NATIVE_CACHE (default .cache/native inside the project; about 1.1 GB: the wheel
#   and the unpacked libraries, which are hard-linked into node_modules), JOBS (compile jobs, 2),
#   NODE_GYP_JS (path to node-gyp.js; default: the one bundled with npm).
# On failure it names the step and a fix, exits non-zero and removes a partial
# node_modules/tfjs-node-native, so require('tfjs-node-native') fails cleanly and the project
# falls back to the wasm backend.
set -Eeuo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

SCRIPT_REV=1
TFJS_NODE_VERSION=4.22.0
NPM_ALIAS=tfjs-node-native
NPM_SPEC="npm:@tensorflow/tfjs-node@$TFJS_NODE_VERSION"
PKG=node_modules/$NPM_ALIAS
REQ=scripts/requirements-native.txt
# sha256 of the cp311 manylinux2014_x86_64 wheel of each tensorflow-cpu version known to work
# with tfjs-node 4.22.0 (the native library in it does not depend on the Python version).
declare -A WHEEL_SHA256=(
  [2.17.1]=4935d35d15924602605c839cb6cd5a578f89f626d8736f62065fe3a089b63b6f
  [2.16.2]=c855cb6bf05d32dd5928086b03a5f6b4189b63c22b95e017703cbee4291023ca
  [2.15.1]=54660c074d7241a503e81edfd9f5ef5af88f64051b72e2945f26318c790f2d26
)
# tfjs-node 4.22.0's package.json "binary.napi_versions" go up to 8; node-pre-gyp loads
# lib/napi-v<highest one this Node supports>/tfjs_binding.node.
NAPI_MAX=8
CACHE=${SETUP_NATIVE_CACHE:-$PWD/.cache/native}
JOBS=${JOBS:-2}
STAMP=$PKG/.setup-native.stamp

FORCE=0
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -Eeuo/p' "${BASH_SOURCE[0]}" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
    *) echo "[setup-native] unknown argument: $arg (use --force or --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[setup-native] %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

NSTEPS=8; STEP=0; STEP_NAME=""; STEP_HINT=""; STEP_LOG=""; STEP_NOTE=""; IN_STEP=0
FAIL_MSG=""; TOUCHED_PKG=0; KEY=""; NAPI=0
T_START=$(now)
# run_step NAME HINT FUNCTION: one line per step, "ok <seconds>s <note>" or a failure report.
run_step() {
  STEP=$((STEP + 1)); STEP_NAME=$1; STEP_HINT=$2; STEP_LOG=""; STEP_NOTE=""; shift 2
  printf '[setup-native] %d/%d %-42s ' "$STEP" "$NSTEPS" "$STEP_NAME"
  IN_STEP=1
  local t0; t0=$(now)
  "$@"
  IN_STEP=0
  printf 'ok %6ss  %s\n' "$(secs "$t0")" "$STEP_NOTE"
}

stamp_ok() { [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ] && [ -f "$PKG/lib/napi-v$NAPI/tfjs_binding.node" ] && [ -f "$PKG/deps/lib/libtensorflow_cc.so.2" ]; }

on_exit() {
  local rc=$?
  trap - EXIT
  [ "$rc" -eq 0 ] && return 0
  [ "$IN_STEP" -eq 1 ] && printf 'FAILED\n'
  if [ -n "$STEP_NAME" ]; then
    log "FAILED at step $STEP/$NSTEPS: $STEP_NAME (exit code $rc)"
    [ -n "$FAIL_MSG" ] && log "reason: $FAIL_MSG"
    if [ -n "$STEP_LOG" ] && [ -s "$STEP_LOG" ]; then
      log "last lines of $STEP_LOG:"
      tail -n 25 "$STEP_LOG" | sed 's/^/    /'
    fi
    log "how to fix: $STEP_HINT"
  fi
  # Only what this run touched: a package without a working addon would make require() throw.
  if [ "$TOUCHED_PKG" -eq 1 ] && [ -e "$PKG" ] && ! stamp_ok; then
    rm -rf "$PKG"
    log "removed the partial $PKG: require('$NPM_ALIAS') fails cleanly, so the project keeps using the wasm backend"
  fi
  log "then re-run: bash scripts/setup-native.sh"
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
fail() { FAIL_MSG=$*; return 1; }

# ---- what to install (read before the quick check so the stamp covers it) ----
TF_VERSION=$(sed -n 's/^[[:space:]]*tensorflow-cpu[[:space:]]*==[[:space:]]*\([0-9][0-9.]*\).*/\1/p' "$REQ" | head -n 1)
[ -n "$TF_VERSION" ] || { log "no 'tensorflow-cpu==X.Y.Z' line in $REQ"; exit 1; }
NAPI=$(node -p "Math.min($NAPI_MAX, Number(process.versions.napi))")
KEY="rev $SCRIPT_REV | tfjs-node $TFJS_NODE_VERSION | tensorflow-cpu $TF_VERSION | napi-v$NAPI | $(uname -s)-$(uname -m)"

if [ "$FORCE" -eq 0 ] && stamp_ok; then
  log "already set up ($KEY); nothing to do (--force rebuilds)"
  exit 0
fi
mkdir -p "$CACHE"
LOGDIR=$CACHE/logs; mkdir -p "$LOGDIR"
# One run at a time (two runs would share the cache and node_modules).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.lock"
  flock -w 900 9 || { log "another setup-native.sh run holds $CACHE/.lock"; exit 1; }
fi
log "installing $NPM_ALIAS ($KEY); cache: $CACHE"

# ---- 1. preflight ----
preflight() {
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || fail "the tensorflow-cpu manylinux wheel is for Linux x86_64 only (this is $(uname -s)-$(uname -m))"
  grep -qw avx /proc/cpuinfo || fail "this CPU has no AVX; TensorFlow's PyPI builds need it"
  local c missing=()
  for c in node npm python3 g++ make tar sha256sum; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} -eq 0 ] || fail "missing commands: ${missing[*]}"
  [ -n "${WHEEL_SHA256[$TF_VERSION]:-}" ] || fail "tensorflow-cpu $TF_VERSION from $REQ has no sha256 in WHEEL_SHA256 of this script (known: ${!WHEEL_SHA256[*]})"
  local spec
  spec=$(node -p "(require('./package.json').optionalDependencies || {})['$NPM_ALIAS'] || ''")
  [ "$spec" = "$NPM_SPEC" ] || fail "package.json optionalDependencies.$NPM_ALIAS is '$spec', this script installs '$NPM_SPEC'"
  [ -f node_modules/@tensorflow/tfjs/package.json ] || fail "node_modules/@tensorflow/tfjs is missing: run 'npm ci' (or 'npm install') first"
  PY=python3
  if [ -x .venv/bin/python ] && .venv/bin/python -m pip --version >/dev/null 2>&1; then PY=.venv/bin/python; fi
  "$PY" -m pip --version >/dev/null 2>&1 || fail "$PY has no pip"
  NODE_GYP_JS=${NODE_GYP_JS:-}
  if [ -z "$NODE_GYP_JS" ]; then
    local npm_dir cand
    npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
    for cand in "$npm_dir/node_modules/node-gyp/bin/node-gyp.js" "$(npm root -g 2>/dev/null)/npm/node_modules/node-gyp/bin/node-gyp.js"; do
      if [ -f "$cand" ]; then NODE_GYP_JS=$(readlink -f "$cand"); break; fi
    done
  fi
  [ -n "$NODE_GYP_JS" ] && [ -f "$NODE_GYP_JS" ] || fail "node-gyp not found (it ships with npm); set NODE_GYP_JS=/path/to/node-gyp/bin/node-gyp.js"
  # Node's headers: node-gyp would otherwise download them from nodejs.org.
  NODEDIR=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
  case $NODEDIR in undefined|null) NODEDIR="" ;; esac
  if [ -z "$NODEDIR" ]; then
    local prefix; prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
    [ -f "$prefix/include/node/node_api.h" ] && NODEDIR=$prefix
  fi
  STEP_NOTE="node $(node -v) (N-API $NAPI), $PY, node-gyp $(node "$NODE_GYP_JS" --version 2>/dev/null), headers ${NODEDIR:-downloaded by node-gyp}"
}
run_step "preflight" "install what is named above (Debian: apt-get install -y g++ make python3-pip), or fix package.json/$REQ as said" preflight

# ---- 2. the tensorflow-cpu wheel ----
WHEEL_DIR=$CACHE/wheels
wheel_ok() { [ -n "${WHEEL:-}" ] && [ -f "$WHEEL" ] && [ "$(sha256sum "$WHEEL" | cut -d' ' -f1)" = "${WHEEL_SHA256[$TF_VERSION]}" ]; }
get_wheel() {
  mkdir -p "$WHEEL_DIR"
  WHEEL=$(ls "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
  if wheel_ok; then STEP_NOTE="cached $(basename "$WHEEL")"; return 0; fi
  rm -f "$WHEEL_DIR"/tensorflow_cpu-"$TF_VERSION"-*.whl
  STEP_LOG=$LOGDIR/pip-download.log
  local tmp=$WHEEL_DIR/tmp.$$; rm -rf "$tmp"
  "$PY" -m pip download --no-deps --only-binary=:all: --progress-bar off \
      --platform manylinux2014_x86_64 --python-version 3.11 --implementation cp --abi cp311 \
      -d "$tmp" "tensorflow-cpu==$TF_VERSION" >"$STEP_LOG" 2>&1
  WHEEL=$(ls "$tmp"/tensorflow_cpu-"$TF_VERSION"-*.whl | head -n 1)
  wheel_ok || { rm -rf "$tmp"; fail "sha256 of $(basename "$WHEEL") is not the pinned ${WHEEL_SHA256[$TF_VERSION]}"; }
  mv "$WHEEL" "$WHEEL_DIR/"; rm -rf "$tmp"
  WHEEL=$WHEEL_DIR/$(basename "$WHEEL")
  STEP_NOTE="$(basename "$WHEEL") ($(du -m "$WHEEL" | cut -f1) MB, sha256 ok)"
}
run_step "download tensorflow-cpu==$TF_VERSION" "check that PyPI is reachable ($PY -m pip download tensorflow-cpu==$TF_VERSION --no-deps -d /tmp/x), or put the wheel into $WHEEL_DIR" get_wheel

# ---- 3. libtensorflow out of the wheel ----
TFLIB=$CACHE/libtensorflow-$TF_VERSION
extract_lib() {
  if [ -f "$TFLIB/.complete" ]; then STEP_NOTE="cached $TFLIB"; return 0; fi
  STEP_LOG=$LOGDIR/extract.log
  rm -rf "$TFLIB" "$TFLIB.tmp"
  "$PY" - "$WHEEL" "$TFLIB.tmp" >"$STEP_LOG" 2>&1 <<'PYEOF'
import os, shutil, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
libs = {'tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'}
# The C API headers and what they include (tsl/c in TF <= 2.16, xla/tsl/c in 2.17).
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/ctstring',
           'tensorflow/include/tsl/platform/ctstring', 'tensorflow/include/tsl/c/', 'tensorflow/include/xla/tsl/c/')
n = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name.endswith('/'):
            continue
        if name in libs:
            dest = os.path.join(out, 'lib', os.path.basename(name))
        elif name.startswith(headers) or name == 'tensorflow/include/LICENSE':
            dest = os.path.join(out, 'include', name[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        n += 1
missing = [l for l in libs if not os.path.exists(os.path.join(out, 'lib', os.path.basename(l)))]
if missing or not os.path.exists(os.path.join(out, 'include/tensorflow/c/eager/c_api.h')):
    sys.exit('wheel lacks %s' % (missing or 'tensorflow/c/eager/c_api.h'))
print('extracted', n, 'files')
PYEOF
  # Link-time names (binding.gyp links -ltensorflow -ltensorflow_framework); at run time the
  # addon asks for the SONAMEs libtensorflow_cc.so.2 and libtensorflow_framework.so.2.
  ln -s libtensorflow_cc.so.2 "$TFLIB.tmp/lib/libtensorflow.so"
  ln -s libtensorflow_framework.so.2 "$TFLIB.tmp/lib/libtensorflow_framework.so"
  touch "$TFLIB.tmp/.complete"
  mv "$TFLIB.tmp" "$TFLIB"
  STEP_NOTE="$(du -sm "$TFLIB" | cut -f1) MB in $TFLIB"
}
run_step "unpack libtensorflow" "the wheel may be damaged: delete $WHEEL_DIR and re-run; check free disk space (about 700 MB)" extract_lib

# ---- 4. tfjs-node's npm tarball (sources of the addon) ----
get_tarball() {
  STEP_LOG=$LOGDIR/npm-pack.log
  local json lock_integrity
  json=$(cd "$CACHE" && npm pack "@tensorflow/tfjs-node@$TFJS_NODE_VERSION" --json --prefer-offline 2>"$STEP_LOG")
  TARBALL=$CACHE/$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].filename)' "$json")
  local integrity; integrity=$(node -e 'const j=JSON.parse(process.argv[1]);process.stdout.write(j[0].integrity)' "$json")
  lock_integrity=$(node -p "((require('./package-lock.json').packages || {})['$PKG'] || {}).integrity || ''")
  if [ -n "$lock_integrity" ] && [ "$lock_integrity" != "$integrity" ]; then
    fail "integrity of $(basename "$TARBALL") ($integrity) differs from package-lock.json ($lock_integrity)"
  fi
  STEP_NOTE="$(basename "$TARBALL")${lock_integrity:+ (integrity = package-lock.json)}"
}
run_step "fetch @tensorflow/tfjs-node@$TFJS_NODE_VERSION" "check that the npm registry is reachable: npm view @tensorflow/tfjs-node@$TFJS_NODE_VERSION version" get_tarball

# ---- 5. build the addon ----
ADDON=$CACHE/addon-tfjs-node-$TFJS_NODE_VERSION-tf-$TF_VERSION-napi-v$NAPI
build_addon() {
  if [ -f "$ADDON/.complete" ]; then STEP_NOTE="cached $ADDON"; return 0; fi
  STEP_LOG=$LOGDIR/node-gyp.log
  rm -rf "$ADDON" "$ADDON.tmp"; mkdir -p "$ADDON.tmp"
  tar -xzf "$TARBALL" -C "$ADDON.tmp"
  local src=$ADDON.tmp/package
  mkdir -p "$src/deps"
  ln -s "$TFLIB/lib" "$src/deps/lib"
  ln -s "$TFLIB/include" "$src/deps/include"
  # What node-pre-gyp --build-from-source would pass to node-gyp for tfjs-node.
  ( cd "$src" && nice -n 10 node "$NODE_GYP_JS" rebuild -j "$JOBS" ${NODEDIR:+--nodedir="$NODEDIR"} \
      --napi_build_version="$NAPI" --module_name=tfjs_binding --module_path="$PWD/lib/napi-v$NAPI" ) >"$STEP_LOG" 2>&1
  mkdir -p "$ADDON.tmp/lib/napi-v$NAPI"
  cp "$src/lib/napi-v$NAPI/tfjs_binding.node" "$ADDON.tmp/lib/napi-v$NAPI/"
  rm -rf "$src"
  # Same layout as the package (RUNPATH $ORIGIN/../../deps/lib), to load it once on its own.
  ln -s "$TFLIB/lib" "$ADDON.tmp/deps-lib"; mkdir -p "$ADDON.tmp/deps"; mv "$ADDON.tmp/deps-lib" "$ADDON.tmp/deps/lib"
  local v; v=$(node -e "process.stdout.write(require('$ADDON.tmp/lib/napi-v$NAPI/tfjs_binding.node').TF_Version)" 2>>"$STEP_LOG")
  [ "$v" = "$TF_VERSION" ] || fail "the built addon reports TensorFlow '$v', expected $TF_VERSION"
  touch "$ADDON.tmp/.complete"
  mv "$ADDON.tmp" "$ADDON"
  STEP_NOTE="tfjs_binding.node loads; TF_Version() = $v"
}
run_step "build tfjs_binding.node (node-gyp)" "see the compiler output above; needs g++, make, python3 and Node's headers (npm config set nodedir <prefix with include/node>)" build_addon

# ---- 6. the npm package and its dependencies, as package-lock.json pins them ----
npm_install() {
  STEP_LOG=$LOGDIR/npm-install.log
  TOUCHED_PKG=1
  local flags=(--no-save --ignore-scripts --no-audit --no-fund --prefer-offline)
  npm install --dry-run "${flags[@]}" >"$STEP_LOG" 2>&1
  # Only add what is missing from the lockfile's optional packages: never remove or change
  # packages, nor install anything new somebody put into package.json (without its scripts).
  node - "$STEP_LOG" <<'JSEOF'
const fs = require('fs');
const lock = require(process.cwd() + '/package-lock.json').packages || {};
const optional = new Set(Object.entries(lock).filter(([k, v]) => k && v.optional).map(([k]) => k.replace(/^.*node_modules\//, '')));
const bad = fs.readFileSync(process.argv[2], 'utf8').split('\n')
  .filter(l => /^(add|remove|change) /.test(l))
  .filter(l => !l.startsWith('add ') || !optional.has(l.split(' ')[1]));
if (bad.length) {
  console.error('npm install would also do:\n  ' + bad.join('\n  ') + '\nRun "npm install" (or "npm ci") first so that node_modules matches package-lock.json, then re-run.');
  process.exit(1);
}
JSEOF
  npm install "${flags[@]}" >"$STEP_LOG" 2>&1
  [ -f "$PKG/package.json" ] || fail "npm did not install $PKG"
  [ "$(node -p "require('./$PKG/package.json').version")" = "$TFJS_NODE_VERSION" ] || fail "$PKG is not version $TFJS_NODE_VERSION"
  STEP_NOTE="$(grep -Eo '(added|up to date)[^,]*' "$STEP_LOG" | tail -n 1)"
}
run_step "npm install $NPM_ALIAS (no scripts)" "make node_modules match package-lock.json ('npm ci'), check the npm registry, then re-run" npm_install

# ---- 7. put libtensorflow and the addon into the package ----
place() {
  rm -rf "$PKG/deps" "$PKG/lib" "$STAMP"
  mkdir -p "$PKG/deps/lib" "$PKG/lib/napi-v$NAPI"
  local f how=hard-linked
  for f in libtensorflow_cc.so.2 libtensorflow_framework.so.2; do
    # Hard links cost no disk space and survive "npm ci" deleting node_modules; copy across filesystems.
    ln "$TFLIB/lib/$f" "$PKG/deps/lib/$f" 2>/dev/null || { cp "$TFLIB/lib/$f" "$PKG/deps/lib/$f"; how=copied; }
  done
  ( cd "$PKG/deps/lib"
    ln -s libtensorflow_cc.so.2 libtensorflow.so
    ln -s libtensorflow_framework.so.2 libtensorflow_framework.so
    # The names tfjs-node's scripts/install.js looks for: if npm ever re-runs that script here
    # (npm rebuild), it then skips its download and wipes nothing.
    ln -s libtensorflow_cc.so.2 "libtensorflow.so.2.9.1"
    ln -s libtensorflow_framework.so.2 "libtensorflow_framework.so.2.9.1" )
  cp -R "$TFLIB/include" "$PKG/deps/include"
  cp "$ADDON/lib/napi-v$NAPI/tfjs_binding.node" "$PKG/lib/napi-v$NAPI/"
  STEP_NOTE="libtensorflow $how into $PKG/deps/lib, addon in $PKG/lib/napi-v$NAPI"
}
run_step "install libtensorflow + addon" "check free disk space and permissions on node_modules" place

# ---- 8. check it from the project ----
verify() {
  STEP_LOG=$LOGDIR/verify.log
  local v
  v=$(TF_CPP_MIN_LOG_LEVEL=2 timeout 300 node -e "
    const tf = require('$NPM_ALIAS');
    const fail = m => { console.error(m); process.exit(1); };
    if (tf.getBackend() !== 'tensorflow') fail('backend is ' + tf.getBackend());
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    if (a.matMul(a).dataSync().join() !== '7,10,15,22') fail('matMul gave ' + a.matMul(a).dataSync());
    const y = tf.conv2d(tf.ones([2, 28, 28, 1]), tf.ones([5, 5, 1, 8]), 2, 'same');
    if (y.shape.join() !== '2,14,14,8' || y.max().dataSync()[0] !== 25) fail('conv2d gave ' + y.shape);
    const g = tf.grad(x => x.square().sum())(tf.tensor1d([1, -2, 3]));
    if (g.dataSync().join() !== '2,-4,6') fail('grad gave ' + g.dataSync());
    process.stdout.write(tf.backend().binding.TF_Version);
  " 2>"$STEP_LOG") || fail "require('$NPM_ALIAS') or its first ops failed"
  echo "$KEY" >"$STAMP"
  STEP_NOTE="backend 'tensorflow', TensorFlow $v; matMul, conv2d, grad ok"
}
run_step "verify require('$NPM_ALIAS')" "see the error above; 'rm -rf $ADDON' and re-run to rebuild the addon" verify

log "done in $(secs "$T_START")s: require('$NPM_ALIAS') gives the native backend (set TF_CPP_MIN_LOG_LEVEL=2 to hide TensorFlow's start-up messages)"
