#!/usr/bin/env bash
# ablate --sweep zero throughput against the model alone running the same (L·H + 1) rows per
# sample on the same batches (not run by CI). Prints the numbers; see
# jobs/src/test/java/io/headwise/bench/AblateBench.java for what each one measures.
#
#   bench/run-ablate-bench.sh                        # names-sized model, then GPT-2-small-sized
#   bench/run-ablate-bench.sh names|gpt2s [SAMPLES] [BATCH]
# BENCH_JAVA_OPTS adds JVM options: -Dbench.task.cpus=N, the job's spark.task.cpus (default 1 for
# names, every core for gpt2s); -Dbench.job.jvm="OPTIONS", options for the job's JVM only.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/bench-java.sh
. bench/bench-java.sh
java_run() {
  bench_java 4g io.headwise.bench.AblateBench "$@"
}
what=${1:-all}
case "$what" in
  names|gpt2s) java_run "$@" ;;
  all) java_run names; java_run gpt2s ;;
  *) echo "usage: $0 [names|gpt2s] [SAMPLES] [BATCH]" >&2; exit 2 ;;
esac
