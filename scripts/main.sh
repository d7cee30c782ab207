#!/usr/bin/env bash
# The README's main command: set up, then run the main job. Until the trainer lands this is
# the first notebook, executed in full; its executed copy (with the digit grid) is written
# to runs/notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/jupyter-env.sh
mkdir -p runs/notebooks
GAN_QUICK="${GAN_QUICK:-0}" jupyter nbconvert --to notebook --execute notebooks/01-data.ipynb \
  --output-dir runs/notebooks --ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=3600
echo "==> Wrote runs/notebooks/01-data.ipynb"
