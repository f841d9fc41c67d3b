package io.headwise.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Objects;
import java.util.OptionalInt;

/** {@link TextTokenizer} over DJL's Hugging Face tokenizers binding. */
final class DjlTextTokenizer implements TextTokenizer {
    private final HuggingFaceTokenizer hf;
    private final TokenizerVocab vocab;

    DjlTextTokenizer(HuggingFaceTokenizer hf, TokenizerVocab vocab) {
        this.hf = hf;
        this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        if (!vocab.isCharLevel()) {
            return toInts(encodeNative(text));
        }
        // WordLevel maps an unknown character to its unk token ('.') without complaint, so the
        // characters are checked here before the text reaches the Rust side.
        int[] body = CharNames.body(text, vocab::hasCharacter);
        String delimited = "." + new String(body, 0, body.length) + ".";
        int[] ids = toInts(encodeNative(delimited));
        if (ids.length != body.length + 2) {
            throw new IllegalArgumentException(String.format(
                    "char-level tokenizer split \"%s\" into %d tokens, expected %d",
                    delimited, ids.length, body.length + 2));
        }
        return ids;
    }

    /**
     * The Rust side's ids of {@code text}. A tokenizer.json that loads can still fail on a text (a
     * WordLevel model without its unknown token, say) with a bare RuntimeException; that is the
     * text's reject, as any text the tokenizer cannot encode.
     */
    private long[] encodeNative(String text) {
        try {
            return hf.encode(text).getIds();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the tokenizer fails on it: " + e.getMessage(), e);
        }
    }

    @Override
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = checkId(ids, i);
        }
        // DJL's decode(long[]) skips special tokens; keep them so decode is the inverse of encode.
        return hf.decode(longs, false);
    }

    @Override
    public String[] pieces(int[] ids) {
        String[] pieces = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            String token = vocab.token(checkId(ids, i));
            pieces[i] =
                    vocab.isByteLevel() && !vocab.isAdded(token) ? Utf8Pieces.render(ByteLevel.decode(token)) : token;
        }
        return pieces;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public OptionalInt specialId(String token) {
        return vocab.special(token);
    }

    @Override
    public boolean isCharLevel() {
        return vocab.isCharLevel();
    }

    @Override
    public void close() {
        hf.close();
    }

    private int checkId(int[] ids, int i) {
        int id = ids[i];
        if (id < 0 || id >= vocab.size() || vocab.token(id) == null) {
            throw new IllegalArgumentException(String.format(
                    "token id %d at position %d is not in the vocabulary of %d ids", id, i, vocab.size()));
        }
        return id;
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
