/**
 * Attention-head metrics as pure functions over attention patterns; no Spark, no DJL.
 *
 * <p>Every number here is defined in SPEC §4 and computed exactly as written there. Dimension
 * letters used throughout:
 *
 * <ul>
 *   <li>{@code T} — positions in one sample; {@code query_pos} and {@code key_pos} both run over
 *       {@code 0..T-1}, and a causal pattern only has weights for {@code key_pos ≤ query_pos}.
 *   <li>{@code n} — a probe's {@code half_length}; a probe sequence has {@code T = 1 + 2n}.
 *   <li>{@code H} — heads being compared, indexed {@code layer * n_heads + head}.
 * </ul>
 *
 * <p>{@link io.headwise.metrics.AttentionPattern} is the one input type: a read-only, validated
 * view over either ragged rows ({@code float[query_pos][key_pos ≤ query_pos]}, the {@code
 * attention} table's layout) or a square {@code [query_pos, key_pos]} block inside a larger
 * buffer (what the model produces), so callers never copy. Running statistics are immutable
 * accumulators in the zero / add / merge / finish shape of Spark's typed {@code Aggregator}.
 * Sums are accumulated in {@code double}.
 */
package io.headwise.metrics;
