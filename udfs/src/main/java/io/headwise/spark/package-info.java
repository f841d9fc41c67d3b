/**
 * The thin Spark side of the executor code: table {@link io.headwise.spark.Schemas}, the per-JVM
 * model cache, partition functions and SQL functions. The only package of {@code udfs} that
 * imports Spark.
 */
package io.headwise.spark;
