#!/usr/bin/env bash
# The README's main command: set up, then train the MNIST DCGAN (tutorial 000) on real MNIST
# and write its per-epoch grids, log, checkpoint, GIF and loss curves to runs/main-dcgan-mnist/.
# A short run by default (3 epochs of 40 steps, a few minutes on two cores); set
# GAN_MAIN_EPOCHS / GAN_MAIN_STEPS for more (GAN_MAIN_STEPS=0 means whole epochs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
EPOCHS="${GAN_MAIN_EPOCHS:-3}"
STEPS="${GAN_MAIN_STEPS:-40}"
ARGS=(--model dcgan-mnist --epochs "$EPOCHS" --out runs/main-dcgan-mnist --seed 1)
[ "$STEPS" != "0" ] && ARGS+=(--steps-per-epoch "$STEPS")
node build/lib/cli/train.js "${ARGS[@]}"
echo "==> Grids: runs/main-dcgan-mnist/image_at_epoch_*.png  GIF: runs/main-dcgan-mnist/dcgan-mnist.gif"
