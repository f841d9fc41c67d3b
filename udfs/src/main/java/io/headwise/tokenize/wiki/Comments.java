package io.headwise.tokenize.wiki;

/**
 * Removes HTML comments. Runs first because a comment may hide any other markup, including
 * half a template. An unterminated comment runs to the end of the text, as MediaWiki treats it.
 */
final class Comments {

    private static final String OPEN = "<!--";
    private static final String CLOSE = "-->";

    private Comments() {}

    static String strip(String text) {
        int open = text.indexOf(OPEN);
        if (open < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (open >= 0) {
            out.append(text, from, open);
            int close = text.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                return out.toString();
            }
            from = close + CLOSE.length();
            open = text.indexOf(OPEN, from);
        }
        return out.append(text, from, text.length()).toString();
    }
}
