#!/usr/bin/env bash
# Executes the walkthrough notebook headless against a run directory and fails on any error.
#   notebooks/run.sh [RUN_DIR]      (default: $HEADWISE_RUN_DIR, else runs/demo)
# Needs Debian's jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run_dir=${1:-${HEADWISE_RUN_DIR:-$repo/runs/demo}}
if [[ ! -d $run_dir ]]; then
  echo "notebooks/run.sh: run directory $run_dir does not exist (run ./headwise demo first, or pass one)" >&2
  exit 2
fi
export HEADWISE_RUN_DIR=$(cd "$run_dir" && pwd)
export HEADWISE=${HEADWISE:-$repo/headwise}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Debian's jupyter (its kernel is /usr/bin/python3), whatever python3 comes first on PATH.
jupyter=/usr/bin/jupyter
[[ -x $jupyter ]] || jupyter=jupyter
"$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
  --output-dir "$out" --output walkthrough-executed.ipynb "$repo/notebooks/headwise-walkthrough.ipynb"
echo "notebooks/run.sh: executed headwise-walkthrough.ipynb against $HEADWISE_RUN_DIR"
