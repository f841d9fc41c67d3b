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

./mvnw -B -o -q -pl udfs,jobs test-compile dependency:build-classpath -DskipShade \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/jobs/target/bench-classpath.txt" >/dev/null
cp="jobs/target/test-classes:jobs/target/classes:udfs/target/test-classes:udfs/target/classes:$(cat jobs/target/bench-classpath.txt)"
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-33554432}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-17179869184}
java_run() {
  # shellcheck disable=SC2086
  java $opens -Dai.djl.offline=true -Xmx4g -Dlog4j2.configurationFile=conf/log4j2.properties ${BENCH_JAVA_OPTS:-} \
    -cp "$cp" io.headwise.bench.AblateBench "$@"
}
what=${1:-all}
case "$what" in
  names|gpt2s) java_run "$@" ;;
  all) java_run names; java_run gpt2s ;;
  *) echo "usage: $0 [names|gpt2s] [SAMPLES] [BATCH]" >&2; exit 2 ;;
esac
