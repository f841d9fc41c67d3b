#!/usr/bin/env bash
# extract throughput and memory benchmark (not run by CI). Prints the numbers; see
# jobs/src/test/java/io/headwise/bench/ExtractBench.java for what each one measures.
# BENCH_JAVA_OPTS adds JVM options, e.g. BENCH_JAVA_OPTS=-XX:StartFlightRecording=filename=x.jfr
# (-Dbench.task.cpus=N: the job's spark.task.cpus, default 1 for names and every core for gpt2s; -Dbench.analyzer=false: skip the two Analyzer
# diagnostic passes, e.g. for a long GPT-2-small-sized run; -Dbench.patterns=SELECTION: the job's
# --patterns; -Dbench.explain=SELECTION: the job's --explain, default none; -Dbench.job.jvm="OPTIONS": options for the job's JVM only, e.g.
# -Dbench.job.jvm=-XX:StartFlightRecording=filename=job.jfr,settings=profile; -Dbench.job.runs=N: the job
# N times in its JVM, the later runs warm; default 2 for names, 1 for gpt2s).
#
#   bench/run-extract-bench.sh                 # names model, GPT-2-small-sized model, 100k-sample memory run
#   bench/run-extract-bench.sh names|gpt2s|memory [ARGS…]
#   bench/run-extract-bench.sh fixture DIR N   # DIR/model + DIR/tokens with N names (to try spark-submit)
#   bench/run-extract-bench.sh explain names|gpt2s [N] [BATCH]   # ms per explained sample: --explain none
#                                              # against --explain all (default N: 2,000 names, 4 GPT-2-small
#                                              # samples), and the logit lens at a 50,257-token vocabulary
#   bench/run-extract-bench.sh lens 12 128 768 50257   # the logit lens's read-outs of one sample alone
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=bench/bench-java.sh
. bench/bench-java.sh
java_run() {
  local heap=$1
  shift
  bench_java "$heap" io.headwise.bench.ExtractBench "$@"
}
what=${1:-all}
[ $# -gt 0 ] && shift
case "$what" in
  names)  java_run 4g throughput names "$@" ;;
  gpt2s)  java_run 4g throughput gpt2s "$@" ;;
  memory) java_run 512m memory "$@" ;;
  fixture) java_run 1g fixture "$@" ;;
  threads) java_run 4g threads "$@" ;;
  explain) java_run 4g explain "$@" ;;
  lens) java_run 2g lens "$@" ;;
  layout) java_run 4g layout "$@" ;;
  all)
    java_run 4g throughput names
    java_run 4g throughput gpt2s
    java_run 512m memory 100000 ;;
  *) echo "usage: $0 [names|gpt2s|memory|fixture|explain|lens] [ARGS…]" >&2; exit 2 ;;
esac
