#!/usr/bin/env bash
# The README's main command: set up, then train the MNIST DCGAN (tutorial 000) on real MNIST
# and write its per-epoch grids, log, checkpoint, GIF and loss curves to runs/main-dcgan-mnist/.
# By default 4 epochs of 1000 steps at batch 32 (about 13 minutes of training on two cores with
# the native backend): tutorial 000's
# networks and optimiser, with smaller batches so that digits appear within the run (at the
# tutorial's batch of 256 they take about 7 full epochs; see the README's "Real runs").
# GAN_MAIN_EPOCHS, GAN_MAIN_STEPS (0 = whole epochs) and GAN_MAIN_BATCH change it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
EPOCHS="${GAN_MAIN_EPOCHS:-4}"
STEPS="${GAN_MAIN_STEPS:-1000}"
BATCH="${GAN_MAIN_BATCH:-32}"
ARGS=(--model dcgan-mnist --epochs "$EPOCHS" --batch-size "$BATCH" --out runs/main-dcgan-mnist --seed 1)
[ "$STEPS" != "0" ] && ARGS+=(--steps-per-epoch "$STEPS")
node build/lib/cli/train.js "${ARGS[@]}"
echo "==> This run beside the pretrained generator (FID of both, 10,000 samples each)"
node build/lib/cli/compare-pretrained.js --run runs/main-dcgan-mnist
echo "==> Grids: runs/main-dcgan-mnist/image_at_epoch_*.png  GIF: runs/main-dcgan-mnist/dcgan-mnist.gif"
echo "    Side by side with the pretrained generator: runs/main-dcgan-mnist/beside-pretrained.png"
