package io.headwise.model;

import io.headwise.BadInputException;

/**
 * GPT-2 hyper-parameters, named as Hugging Face's {@code GPT2Config} ({@code config.json}).
 *
 * @param vocabSize V, the number of token ids
 * @param nPositions the context length (rows of {@code wpe})
 * @param nEmbd C, the width of the residual stream
 * @param nLayer L, the number of blocks
 * @param nHead H, heads per block (C must be divisible by H)
 * @param layerNormEpsilon LayerNorm epsilon (GPT-2: 1e-5)
 * @param tieWordEmbeddings whether the LM head reuses {@code wte}
 * @param bosTokenId start token id
 * @param eosTokenId end token id
 * @param nInner F, the width of the MLP hidden layer ({@code n_inner}; GPT-2's default is 4·C)
 * @param scaleAttnWeights whether attention scores are divided by √D ({@code scale_attn_weights};
 *     GPT-2: true)
 * @param scaleAttnByInverseLayerIdx whether block l's scores are also divided by l + 1 ({@code
 *     scale_attn_by_inverse_layer_idx}, as in Stanford CRFM's Mistral GPT-2 models; GPT-2: false)
 * @param activation the MLP's activation ({@code activation_function}; GPT-2: gelu_new)
 */
public record GptConfig(
        int vocabSize,
        int nPositions,
        int nEmbd,
        int nLayer,
        int nHead,
        double layerNormEpsilon,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId,
        int nInner,
        boolean scaleAttnWeights,
        boolean scaleAttnByInverseLayerIdx,
        MlpActivation activation) {

    public static final double LAYER_NORM_EPSILON_DEFAULT = 1e-5;

    public GptConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("n_positions", nPositions);
        requirePositive("n_embd", nEmbd);
        requirePositive("n_layer", nLayer);
        requirePositive("n_head", nHead);
        requirePositive("n_inner", nInner);
        java.util.Objects.requireNonNull(activation, "activation");
        if (nEmbd % nHead != 0) {
            throw new BadInputException("n_embd (%d) is not divisible by n_head (%d)", nEmbd, nHead);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new BadInputException("layer_norm_epsilon must be > 0, got %s", layerNormEpsilon);
        }
        // Not checked against vocab_size, as Hugging Face does not: GPT2Config's default 50256 is
        // written into the config.json of every small model that did not set its own. The jobs that
        // need the id as a token (probe's start token, sample's) check it (hasToken).
        if (bosTokenId < 0 || eosTokenId < 0) {
            throw new BadInputException(
                    "bos_token_id %d / eos_token_id %d must not be negative", bosTokenId, eosTokenId);
        }
    }

    /** A config with GPT-2's MLP width (4·C) and attention scaling (1/√D). */
    public GptConfig(
            int vocabSize,
            int nPositions,
            int nEmbd,
            int nLayer,
            int nHead,
            double layerNormEpsilon,
            boolean tieWordEmbeddings,
            int bosTokenId,
            int eosTokenId) {
        this(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                layerNormEpsilon,
                tieWordEmbeddings,
                bosTokenId,
                eosTokenId,
                4 * nEmbd,
                true,
                false,
                MlpActivation.GELU_NEW);
    }

    /** This config with an MLP hidden layer of {@code width} ({@code n_inner}). */
    public GptConfig withMlpWidth(int width) {
        return new GptConfig(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                layerNormEpsilon,
                tieWordEmbeddings,
                bosTokenId,
                eosTokenId,
                width,
                scaleAttnWeights,
                scaleAttnByInverseLayerIdx,
                activation);
    }

    /** This config with Hugging Face's two attention-scaling options. */
    public GptConfig withAttentionScaling(boolean byRootHeadWidth, boolean byInverseLayerIdx) {
        return new GptConfig(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                layerNormEpsilon,
                tieWordEmbeddings,
                bosTokenId,
                eosTokenId,
                nInner,
                byRootHeadWidth,
                byInverseLayerIdx,
                activation);
    }

    /** This config with another MLP activation. */
    public GptConfig withActivation(MlpActivation mlpActivation) {
        return new GptConfig(
                vocabSize,
                nPositions,
                nEmbd,
                nLayer,
                nHead,
                layerNormEpsilon,
                tieWordEmbeddings,
                bosTokenId,
                eosTokenId,
                nInner,
                scaleAttnWeights,
                scaleAttnByInverseLayerIdx,
                mlpActivation);
    }

    /** A config with GPT-2 defaults for everything but the sizes; start/end token 0. */
    public static GptConfig of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, LAYER_NORM_EPSILON_DEFAULT, true, 0, 0);
    }

    /**
     * Why {@code ids} cannot go through this model — no tokens, more than {@code n_positions}, or an
     * id outside the vocabulary — or null when it fits. Callers put their context in front
     * ({@code extract:} for a reject, {@code --text:} for an option).
     */
    public String sampleProblem(int[] ids) {
        if (ids.length == 0) {
            return "empty sample (no tokens)";
        }
        if (ids.length > nPositions) {
            return String.format("%d tokens, longer than the model's n_positions (%d)", ids.length, nPositions);
        }
        for (int p = 0; p < ids.length; p++) {
            if (!hasToken(ids[p])) {
                return String.format(
                        "token id %d at position %d is outside the model's vocabulary (vocab_size %d)",
                        ids[p], p, vocabSize);
            }
        }
        return null;
    }

    /** Whether {@code id} is one of this model's token ids (0 ≤ id < V). */
    public boolean hasToken(int id) {
        return id >= 0 && id < vocabSize;
    }

    /**
     * What block {@code layer}'s attention scores q·k are divided by before the softmax: √D when
     * {@link #scaleAttnWeights}, times layer + 1 (0-based) when {@link
     * #scaleAttnByInverseLayerIdx}; 1 when neither (Hugging Face's {@code GPT2Attention}).
     */
    public double attentionDivisor(int layer) {
        return (scaleAttnWeights ? Math.sqrt(dHead()) : 1) * (scaleAttnByInverseLayerIdx ? layer + 1 : 1);
    }

    /** D = C / H, the width of one head. */
    public int dHead() {
        return nEmbd / nHead;
    }

    /** F, the width of the MLP hidden layer: {@code n_inner}, 4·C unless config.json sets it. */
    public int dMlp() {
        return nInner;
    }

    /** Whether the MLP has GPT-2's default width 4·C ({@code n_inner} is then left out of config.json). */
    public boolean defaultMlpWidth() {
        return nInner == 4 * nEmbd;
    }

    /** The number of parameters, counting a tied LM head once. */
    public long parameterCount() {
        long c = nEmbd;
        long perBlock = 2 * (2 * c) + blockAttentionParameters() + blockMlpParameters();
        long lmHead = tieWordEmbeddings ? 0 : (long) vocabSize * c;
        return (long) vocabSize * c + (long) nPositions * c + nLayer * perBlock + 2 * c + lmHead;
    }

    /** One block's {@code c_attn} and {@code c_proj} weights and biases: C·3C + 3C + C·C + C. */
    public long blockAttentionParameters() {
        long c = nEmbd;
        return (c * 3 * c + 3 * c) + (c * c + c);
    }

    /** One block's {@code mlp.c_fc} and {@code mlp.c_proj} weights and biases: C·F + F + F·C + C. */
    public long blockMlpParameters() {
        long c = nEmbd;
        long f = nInner;
        return (c * f + f) + (f * c + c);
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new BadInputException("%s must be >= 1, got %d", key, value);
        }
    }
}
