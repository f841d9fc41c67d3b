/**
 * Benchmarks run by hand ({@code bench/run-extract-bench.sh}), never by the build: each is a
 * {@code main} class on the test class path.
 */
package io.headwise.bench;
