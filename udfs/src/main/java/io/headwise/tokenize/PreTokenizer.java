package io.headwise.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pieces that byte-level BPE merges within, using the Llama 3 pattern
 * ({@link TokenizerJson#LLAMA3_PATTERN}): contractions, words with one leading non-letter,
 * numbers of up to three digits, punctuation runs, newlines and other whitespace.
 *
 * <p>The trainer counts these pieces on executors, and the trained {@code tokenizer.json} splits
 * with the same pattern in Rust (Oniguruma), so the two regex engines must agree. Java's
 * {@code \s} is ASCII-only unless {@link Pattern#UNICODE_CHARACTER_CLASS} is set, whereas
 * Oniguruma's {@code \s} on UTF-8 text is Unicode whitespace (NBSP, U+3000, …); the flag is
 * therefore set here (it also makes {@code (?i)} Unicode-aware, as in Oniguruma). A test
 * checks the split against the Rust one through DJL.
 */
public final class PreTokenizer {
    private static final Pattern PATTERN =
            Pattern.compile(TokenizerJson.LLAMA3_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizer() {}

    /** The pieces of {@code text}, in order; they concatenate back to {@code text}. */
    public static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        int end = 0;
        while (m.find()) {
            // Like Split's Isolated behaviour, text between matches is a piece too, so the split is
            // lossless for any pattern (this one happens to match every character).
            if (m.start() > end) {
                pieces.add(text.substring(end, m.start()));
            }
            pieces.add(m.group());
            end = m.end();
        }
        if (end < text.length()) {
            pieces.add(text.substring(end));
        }
        return pieces;
    }
}
