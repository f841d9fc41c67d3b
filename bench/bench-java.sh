# Sourced by the bench scripts: builds the test classes and their classpath, and runs a bench class
# in a JVM as ./headwise runs its jobs. BENCH_JAVA_OPTS adds JVM options.
#
#   bench_java HEAP CLASS [ARGS…]

./mvnw -B -o -q -pl udfs,jobs test-compile dependency:build-classpath -DskipShade \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/jobs/target/bench-classpath.txt" >/dev/null
# The reactor's own modules as class directories, then every dependency.
bench_classpath="jobs/target/test-classes:jobs/target/classes:udfs/target/test-classes:udfs/target/classes:$(cat jobs/target/bench-classpath.txt)"
bench_opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml)
# As ./headwise does (see there): one malloc arena, which keeps what PyTorch frees.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-1}
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-33554432}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-17179869184}

bench_java() {
  local heap=$1 class=$2
  shift 2
  # shellcheck disable=SC2086
  java $bench_opens -Dai.djl.offline=true -Xmx"$heap" -Dlog4j2.configurationFile=conf/log4j2.properties \
    ${BENCH_JAVA_OPTS:-} -cp "$bench_classpath" "$class" "$@"
}
