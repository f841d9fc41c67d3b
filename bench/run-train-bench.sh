#!/usr/bin/env bash
# Training throughput of the presets (not run by CI): tokenizes names.txt (char-level) and the
# English wiki sample (our 2,000-token BPE, context 128), trains each preset for a fixed number of
# steps in a scratch directory and prints `train`'s own summary (steps, seconds, tokens/s, losses).
#
#   bench/run-train-bench.sh [STEPS_NAMES] [STEPS_WIKI]     # defaults 1000 and 200
#
# Needs HEADWISE_DATASETS_DIR (or datasets/ fetched). Throughput is tokens trained per second of
# the run (next-token targets, i.e. non-padding positions, summed over the steps), the one
# evaluation at the end included; run it on a quiet machine: PyTorch uses every core for each op.
set -euo pipefail
cd "$(dirname "$0")/.."

steps_names=${1:-1000}
steps_wiki=${2:-200}
data=${HEADWISE_DATASETS_DIR:-$PWD/datasets}
scratch=$(mktemp -d -t headwise-train-bench-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

./headwise tokenize --input "$data/names.txt" --format lines --tokenizer char --out "$scratch/names" >/dev/null
./headwise train-tokenizer --input "$data/wiki/enwiki-*.bz2" --format wiki --out "$scratch/bpe/tokenizer.json" >/dev/null
./headwise tokenize --input "$data/wiki/enwiki-*.bz2" --format wiki --tokenizer "$scratch/bpe/tokenizer.json" \
  --block-size 128 --out "$scratch/wiki" >/dev/null

bench() {
  local preset=$1 tokens=$2 steps=$3
  printf '== %s, %s steps (%s cores, load %s)\n' "$preset" "$steps" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
  ./headwise train --tokens "$scratch/$tokens" --out "$scratch/model-$preset" --preset "$preset" \
    --steps "$steps" --eval-interval "$steps" 2>/dev/null | grep -E '^(train|steps|loss) '
}
bench names-makemore names "$steps_names"
bench names-demo names "$steps_names"
bench wiki-bpe wiki "$steps_wiki"
