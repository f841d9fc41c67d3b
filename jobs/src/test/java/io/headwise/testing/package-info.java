/**
 * Spark for integration tests ({@code *IT}, run by Failsafe).
 *
 * <p>{@link io.headwise.testing.SparkTestSession} is the one {@code local[2]} session that all
 * integration tests in a JVM share. {@link io.headwise.testing.LocalClusterSession} starts a
 * {@code local-cluster} with separate executor JVMs, for the few tests that must prove code
 * works across JVMs (serialization, per-executor caches, class loading). Spark allows one
 * running context per JVM, so starting a cluster stops the shared session; the next
 * {@code SparkTestSession.get()} starts it again.
 */
package io.headwise.testing;
