/**
 * The GPT-2 model on DJL's PyTorch engine, written so that every number we extract is visible.
 *
 * <p>Dimension letters, used in every javadoc shape of this package (TransformerLens words):
 *
 * <ul>
 *   <li>{@code B} batch, {@code T} positions ({@code query_pos} / {@code key_pos}),
 *   <li>{@code C} = {@code d_model} = {@code n_embd}, {@code H} = {@code n_head}, {@code D} =
 *       {@code d_head} = C / H, {@code L} = {@code n_layer}, {@code V} = {@code d_vocab},
 *   <li>{@code F} = {@code d_mlp} = 4·C.
 * </ul>
 *
 * <p>{@link io.headwise.model.Gpt} is a plain function over {@link io.headwise.model.GptWeights}
 * rather than a DJL {@code Block}: we need named outputs (patterns, residual stream, MLP
 * activations), per-head output gates and input embeddings held as a gradient leaf, none of which a
 * Block's {@code NDList} in / {@code NDList} out contract expresses. {@link
 * io.headwise.model.Checkpoint} reads and writes the Hugging Face layout.
 */
package io.headwise.model;
