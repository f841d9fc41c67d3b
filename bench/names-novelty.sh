#!/usr/bin/env bash
# Samples N names from a char-level names model and checks them against the training set:
# every name must be letters only, and at least half must not be in names.txt.
#
#   bench/names-novelty.sh MODEL_DIR [N] [SEED]      # defaults: 100 names, seed 1337
#
# Prints the counts and a few novel names; exit 1 when a check fails. (names.txt holds the training
# set plus the 1,000 held-out names; a name counts as novel only if it is in neither.)
set -euo pipefail
cd "$(dirname "$0")/.."

model=${1:?usage: bench/names-novelty.sh MODEL_DIR [N] [SEED]}
n=${2:-100}
seed=${3:-1337}
names=${HEADWISE_DATASETS_DIR:-$PWD/datasets}/names.txt
[ -f "$names" ] || { echo "names-novelty: $names not found (set HEADWISE_DATASETS_DIR)" >&2; exit 2; }

samples=$(mktemp -t headwise-names-XXXXXX)
trap 'rm -f "$samples"' EXIT
./headwise sample --model "$model" --n "$n" --seed "$seed" >"$samples"

awk -v n="$n" '
  NR == FNR { known[$0] = 1; next }
  { total++; if ($0 !~ /^[a-z]+$/) { bad++; print "not letters only: \"" $0 "\"" } else if (!($0 in known)) { novel++; if (novel <= 10) shown = shown " " $0 } }
  END {
    printf "%d names sampled, %d letters only, %d not in names.txt (%.0f%%); e.g.%s\n", total, total - bad, novel, 100 * novel / total, shown
    exit (total != n || bad > 0 || 2 * novel < total) ? 1 : 0
  }' "$names" "$samples"
