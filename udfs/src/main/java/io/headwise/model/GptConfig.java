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
        int eosTokenId) {

    public static final double LAYER_NORM_EPSILON_DEFAULT = 1e-5;

    public GptConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("n_positions", nPositions);
        requirePositive("n_embd", nEmbd);
        requirePositive("n_layer", nLayer);
        requirePositive("n_head", nHead);
        if (nEmbd % nHead != 0) {
            throw new BadInputException(
                    "n_embd (%d) is not divisible by n_head (%d)", nEmbd, nHead);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new BadInputException("layer_norm_epsilon must be > 0, got %s", layerNormEpsilon);
        }
        if (bosTokenId < 0 || bosTokenId >= vocabSize || eosTokenId < 0 || eosTokenId >= vocabSize) {
            throw new BadInputException(
                    "bos_token_id %d / eos_token_id %d must be ids below vocab_size %d",
                    bosTokenId, eosTokenId, vocabSize);
        }
    }

    /** A config with GPT-2 defaults for everything but the sizes; start/end token 0. */
    public static GptConfig of(int vocabSize, int nPositions, int nEmbd, int nLayer, int nHead) {
        return new GptConfig(
                vocabSize, nPositions, nEmbd, nLayer, nHead, LAYER_NORM_EPSILON_DEFAULT, true, 0, 0);
    }

    /** D = C / H, the width of one head. */
    public int dHead() {
        return nEmbd / nHead;
    }

    /** F = 4·C, the width of the MLP hidden layer (GPT-2's {@code n_inner} default). */
    public int dMlp() {
        return 4 * nEmbd;
    }

    /** The number of parameters, counting a tied LM head once. */
    public long parameterCount() {
        long c = nEmbd;
        long perBlock = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
        long lmHead = tieWordEmbeddings ? 0 : (long) vocabSize * c;
        return (long) vocabSize * c + (long) nPositions * c + nLayer * perBlock + 2 * c + lmHead;
    }

    private static void requirePositive(String key, int value) {
        if (value < 1) {
            throw new BadInputException("%s must be >= 1, got %d", key, value);
        }
    }
}
