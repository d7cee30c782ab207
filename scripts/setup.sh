#!/usr/bin/env bash
# Sets up gan-lab on Debian/Ubuntu: Jupyter, Fashion-MNIST, SciPy (the FID test's reference) and
# Chromium (the browser tests) from Debian (when missing),
# npm packages, the compiled library, and the tslab kernel registered in a project-local
# Jupyter folder (.jupyter/), so nothing is written to your home folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DEBIAN_PACKAGES=(jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel dataset-fashion-mnist python3-scipy chromium)
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "==> Building the library (TypeScript -> build/) and the playground page (web/dist/)"
npx tsc -p tsconfig.json
npm run --silent build:web

echo "==> Registering the tslab kernel in $ROOT/.jupyter"
node_modules/.bin/tslab install --python=/usr/bin/python3 --binary="$ROOT/node_modules/.bin/tslab" --prefix="$ROOT/.jupyter" >/dev/null
source scripts/jupyter-env.sh
kernels="$(jupyter kernelspec list)"  # captured first: grep -q closing the pipe early breaks jupyter's output
grep -q '^ *tslab ' <<<"$kernels" || { echo "tslab kernel did not register:" >&2; echo "$kernels" >&2; exit 1; }

cat <<MSG
==> Ready. Open the notebooks with the project's kernel ("TypeScript" / tslab):
      source scripts/jupyter-env.sh && jupyter notebook notebooks/
    JupyterLab (installed elsewhere) finds the kernel the same way:
      source scripts/jupyter-env.sh && jupyter lab notebooks/
MSG
