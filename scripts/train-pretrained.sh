#!/usr/bin/env bash
# Trains the generators shipped in data/pretrained/ with this project's own trainer on the real
# data, one after another, at low priority (nice) beside other work. Every run is resumable:
# run the script again after an interruption and each run continues from its checkpoint.
#   bash scripts/train-pretrained.sh [system ...]      (default: all five, in this order)
# Then: node build/lib/cli/pretrained.js export --run runs/pretrained-<system> --model <system>
# The recipes (the tutorials' networks and losses, unchanged; batch and epochs chosen here) are
# explained in the README's "Pretrained generators" section.
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN="${GAN_TRAIN_JS:-build/lib/cli/train.js}"
export TF_CPP_MIN_LOG_LEVEL=2
declare -A RECIPE=(
  [cgan-mnist]="--epochs 30 --batch-size 128"
  [dcgan-mnist]="--epochs 10 --batch-size 32 --lr 0.0006 --lr-decay-epochs 5,8 --lr-decay-factor 0.3 --metrics-every 1 --metrics-samples 2000"
  [cgan-fashion]="--epochs 12 --batch-size 64 --lr-decay-epochs 8 --lr-decay-factor 0.3 --metrics-every 2 --metrics-samples 2000"
  [acgan-mnist]="--epochs 5 --batch-size 64 --metrics-every 1 --metrics-samples 2000"
  [dcgan-fashion]="--epochs 10 --batch-size 32"
)
systems=("$@"); [ ${#systems[@]} -gt 0 ] || systems=(cgan-mnist dcgan-mnist cgan-fashion acgan-mnist dcgan-fashion)
for s in "${systems[@]}"; do
  [ -n "${RECIPE[$s]:-}" ] || { echo "no recipe for $s (have: ${!RECIPE[*]})" >&2; exit 2; }
  echo "==> $s: ${RECIPE[$s]}"
  # shellcheck disable=SC2086
  nice -n 15 node "$TRAIN" --model "$s" ${RECIPE[$s]} --out "runs/pretrained-$s" --seed 1 ${GAN_PRETRAIN_BACKEND:+--backend $GAN_PRETRAIN_BACKEND}
done
