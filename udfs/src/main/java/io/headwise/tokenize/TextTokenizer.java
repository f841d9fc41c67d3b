package io.headwise.tokenize;

import java.util.OptionalInt;

/**
 * A loaded tokenizer as jobs use it; obtained from {@link Tokenizers#load}. Holds native memory,
 * so close it. Encoding adds no special tokens, padding or truncation: the ids are exactly the
 * text's tokens (char-level tokenizers add their {@code .} delimiters, see {@link #encode}).
 */
public interface TextTokenizer extends AutoCloseable {

    /**
     * The token ids of {@code text}. For a char-level tokenizer {@code text} is a name and the
     * result is the ids of {@code .name.}, whether or not the name came with its delimiters.
     *
     * @throws IllegalArgumentException for a char-level tokenizer, naming a character that is not
     *     in the vocabulary and its position
     */
    int[] encode(String text);

    /**
     * The text of {@code ids}, special tokens included.
     *
     * @throws IllegalArgumentException naming an id outside the vocabulary and its position
     */
    String decode(int[] ids);

    /**
     * The decoded piece of each token, for the {@code tokens} column. Byte-level tokens that hold
     * part of a UTF-8 character show those bytes as {@code <0xHH>} ({@link Utf8Pieces}).
     */
    String[] pieces(int[] ids);

    /** Number of ids, added tokens included (the embedding rows a model needs). */
    int vocabSize();

    /**
     * The id of a special token such as {@code <|endoftext|>}; for a char-level tokenizer also of
     * its {@code .} delimiter, which plays the same role.
     */
    OptionalInt specialId(String token);

    /** Whether this is a makemore-style one-character-per-token vocabulary with {@code .}. */
    boolean isCharLevel();

    @Override
    void close();
}
