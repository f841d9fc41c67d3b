package io.headwise.tokenize.wiki;

import java.util.regex.Pattern;

/** Inline formatting without text of its own: bold/italic quotes and behaviour switches. */
final class Formatting {

    private static final Pattern QUOTES = Pattern.compile("'{2,}+");
    /**
     * {@code __TOC__}, {@code __NOEDITSECTION__} and localized switches such as
     * {@code __БЕЗ_ОГЛАВЛЕНИЯ__}: upper-case letters, digits and underscores between double
     * underscores.
     */
    private static final Pattern MAGIC_WORD = Pattern.compile("__\\p{Lu}[\\p{Lu}\\p{Nd}_]*?__");

    private Formatting() {}

    static String strip(String text) {
        String s = text.indexOf("__") < 0 ? text : MAGIC_WORD.matcher(text).replaceAll("");
        if (s.indexOf("''") < 0) {
            return s;
        }
        return QUOTES.matcher(s).replaceAll(r -> leftOverApostrophes(r.group().length()));
    }

    /**
     * Two, three and five apostrophes are italic, bold and both. Four are an apostrophe followed
     * by bold; more than five leave the surplus as apostrophes. Same reading as MediaWiki's.
     */
    private static String leftOverApostrophes(int run) {
        if (run == 4) {
            return "'";
        }
        return run > 5 ? "'".repeat(run - 5) : "";
    }
}
