/**
 * Benchmarks, never part of the build's verdict: JUnit benches disabled unless {@code
 * -Dbench=true}, and {@code main} classes run by hand ({@code bench/run-extract-bench.sh}). They
 * report numbers; they assert nothing timed.
 */
package io.headwise.bench;
