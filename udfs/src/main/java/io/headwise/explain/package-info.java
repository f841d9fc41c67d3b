/**
 * Explanations beyond raw attention (SPEC §6) as pure functions on plain arrays; no Spark, no DJL.
 *
 * <p>Inputs use the layout of {@link io.headwise.model.SampleResult}: a sample's patterns are
 * {@code float[L][H][query_pos][key_pos ≤ query_pos]} (row {@code q} holds {@code q+1} weights),
 * with {@code T} positions, {@code L} layers and {@code H} heads. What needs the model's tensors
 * (gradients, the unembedding) is computed by {@link io.headwise.model.Analyzer}; what follows from
 * the patterns and a few per-position numbers is computed here. Sums are accumulated in {@code
 * double}.
 */
package io.headwise.explain;
