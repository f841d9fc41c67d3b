package io.headwise.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What one forward pass computes, by name (TransformerLens hook names in brackets).
 *
 * @param embeddings {@code [B, T, C]} input to block 0, {@code wte[x] + wpe[t]} ({@code hook_embed
 *     + hook_pos_embed})
 * @param logits {@code [B, T, V]}
 * @param patterns per layer {@code [B, H, T, T]} attention probabilities, zero above the diagonal
 *     ({@code blocks.{l}.attn.hook_pattern})
 * @param residPost per layer {@code [B, T, C]} residual stream after the block ({@code
 *     blocks.{l}.hook_resid_post})
 * @param mlpPost per layer {@code [B, T, F]} MLP hidden activation after {@code gelu_new} ({@code
 *     blocks.{l}.mlp.hook_post})
 * @param z per layer {@code [B, H, T, D]} each head's output {@code A·V}, after its gate ({@code
 *     blocks.{l}.attn.hook_z})
 * @param v per layer {@code [B, H, T, D]} each head's values {@code x̃·W_V^h + b_V^h}, {@code x̃} the
 *     {@code ln_1} output ({@code blocks.{l}.attn.hook_v})
 */
public record GptOutput(
        NDArray embeddings,
        NDArray logits,
        List<NDArray> patterns,
        List<NDArray> residPost,
        List<NDArray> mlpPost,
        List<NDArray> z,
        List<NDArray> v) {}
