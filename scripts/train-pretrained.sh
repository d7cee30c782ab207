#!/usr/bin/env bash
# Trains the generators shipped in data/pretrained/ with this project's own trainer on the real
# data, one after another, at low priority (nice) beside other work. Every run is resumable:
# run the script again after an interruption and each run continues from its checkpoint.
#   bash scripts/train-pretrained.sh [run ...]      (default: the five shipped systems, in this order)
# A run is a system's name, or a named recipe of one (MODEL below: dcgan-mnist-100 is tutorial 000's
# own 100 epochs at batch 256 for dcgan-mnist), trained into runs/pretrained-<run>.
# Long runs outlive a machine: every GAN_PARK_MINUTES (default 30) while a run trains, and when
# it ends or stops, its checkpoint and log are parked in data/in-progress/<system>/ (npm run park;
# commit that folder to keep it). On a machine without the run, the script first restores the
# parked copy, and the trainer resumes from it at the same step (bit for bit; see the mid-epoch
# and parked-run tests). Inside an epoch the trainer checkpoints every 10 minutes.
# A run stopped by SIGTERM or Ctrl-C saves its checkpoint, is parked, and ends the script (the
# trainer exits 130): the runs after it do not start.
# Then: node build/lib/cli/pretrained.js --run runs/pretrained-<system> --command '...'
# (or --run runs/pretrained-<system>/best: the scored epoch with the lowest FID, kept by --keep-best)
# The recipes (the tutorials' networks and losses, unchanged; batch and epochs chosen here) are
# explained in the README's "Pretrained generators" section.
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN="${GAN_TRAIN_JS:-build/lib/cli/train.js}"
export TF_CPP_MIN_LOG_LEVEL=2
declare -A RECIPE=(
  [cgan-mnist]="--epochs 30 --batch-size 128"
  [dcgan-mnist]="--epochs 40 --batch-size 64 --lr 0.0004 --lr-decay-epochs 20,30 --lr-decay-factor 0.3 --keep-best --metrics-every 2 --metrics-samples 2000"
  [cgan-fashion]="--epochs 16 --batch-size 64 --lr-decay-epochs 8 --lr-decay-factor 0.3 --keep-best --metrics-every 2 --metrics-samples 2000"
  [acgan-mnist]="--epochs 10 --batch-size 64 --lr-decay-epochs 7 --lr-decay-factor 0.3 --keep-best --metrics-every 1 --metrics-samples 2000"
  [dcgan-fashion]="--epochs 16 --batch-size 32 --keep-best --metrics-every 1 --metrics-samples 2000"
  [dcgan-64]="--epochs 1 --batch-size 128 --metrics-every 1 --metrics-samples 2000"
  [dcgan-mnist-100]="--epochs 100 --batch-size 256 --keep-best --metrics-every 5 --metrics-samples 2000"
)
# The system a named recipe trains (a run without an entry trains the system of its own name).
declare -A MODEL=(
  [dcgan-mnist-100]="dcgan-mnist"
)
systems=("$@"); [ ${#systems[@]} -gt 0 ] || systems=(cgan-mnist dcgan-mnist cgan-fashion acgan-mnist dcgan-fashion)
PARK_ROOT="${GAN_PARK_DIR:-data/in-progress}"
PARK_MINUTES="${GAN_PARK_MINUTES:-30}"
PARK="${GAN_PARK_JS:-build/lib/cli/park.js}"
for s in "${systems[@]}"; do
  [ -n "${RECIPE[$s]:-}" ] || { echo "no recipe for $s (have: ${!RECIPE[*]})" >&2; exit 2; }
  run="runs/pretrained-$s"
  parked="$PARK_ROOT/$s"
  if [ -f "$parked/checkpoint/state.json" ]; then node "$PARK" --run "$run" --to "$parked" --restore; fi
  model="${MODEL[$s]:-$s}"
  echo "==> $s: --model $model ${RECIPE[$s]}"
  ( while sleep $((PARK_MINUTES * 60)); do
      if [ -f "$run/checkpoint/state.json" ]; then node "$PARK" --run "$run" --to "$parked" || true; fi
    done ) &
  parker=$!
  status=0
  # shellcheck disable=SC2086
  nice -n 15 node "$TRAIN" --model "$model" ${RECIPE[$s]} --out "$run" --seed 1 --checkpoint-every-minutes 10 ${GAN_PRETRAIN_BACKEND:+--backend $GAN_PRETRAIN_BACKEND} || status=$?
  # Stop the parker between parks: end its sleep, and its loop ends; a park it is writing finishes
  # first (never cut off half-written). Nothing of it outlives the script.
  while kill -0 "$parker" 2>/dev/null; do pkill -x sleep -P "$parker" 2>/dev/null || true; sleep 0.2; done
  if [ -f "$run/checkpoint/state.json" ]; then node "$PARK" --run "$run" --to "$parked"; fi
  [ "$status" -eq 0 ] || exit "$status"
done
