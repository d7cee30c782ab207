#!/usr/bin/env bash
# The README's main command: set up, then train the MNIST DCGAN (tutorial 000) on real MNIST
# and write its per-epoch grids, log, checkpoint, GIF and loss curves to runs/main-dcgan-mnist/.
# By default 4 epochs of 1000 steps at batch 32 with Adam's learning rate at 0.0006 (about 12
# minutes of training on two cores with the native backend): tutorial 000's networks, losses and
# Adam(beta1 0.5), with smaller batches and a 3x learning rate so that digits appear within the
# run (at the tutorial's batch of 256 and 0.0002 they take about 7 full epochs; the README's
# "Main job" says what each change measured).
# GAN_MAIN_EPOCHS, GAN_MAIN_STEPS (0 = whole epochs), GAN_MAIN_BATCH and GAN_MAIN_LR change it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
EPOCHS="${GAN_MAIN_EPOCHS:-4}"
STEPS="${GAN_MAIN_STEPS:-1000}"
BATCH="${GAN_MAIN_BATCH:-32}"
LR="${GAN_MAIN_LR:-0.0006}"
ARGS=(--model dcgan-mnist --epochs "$EPOCHS" --batch-size "$BATCH" --lr "$LR" --out runs/main-dcgan-mnist --seed 1)
[ "$STEPS" != "0" ] && ARGS+=(--steps-per-epoch "$STEPS")
node build/lib/cli/train.js "${ARGS[@]}"
echo "==> This run beside the pretrained generator (FID of both, 10,000 samples each)"
node build/lib/cli/compare-pretrained.js --run runs/main-dcgan-mnist
echo "==> Grids: runs/main-dcgan-mnist/image_at_epoch_*.png  GIF: runs/main-dcgan-mnist/dcgan-mnist.gif"
echo "    Side by side with the pretrained generator: runs/main-dcgan-mnist/beside-pretrained.png"
