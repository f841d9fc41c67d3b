/** Benchmarks: disabled unless {@code -Dbench=true}; they report numbers, they assert nothing timed. */
package io.headwise.bench;
