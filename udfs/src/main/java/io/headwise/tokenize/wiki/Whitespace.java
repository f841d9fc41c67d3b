package io.headwise.tokenize.wiki;

import java.util.regex.Pattern;

/**
 * Final tidy-up. Removed markup leaves holes: double spaces where a footnote was, empty lines
 * where a template or category was, {@code ()} where a pronunciation template was. Empty
 * parentheses after a space are removed (after a word they may be code: {@code main()}). Each
 * line is trimmed and its runs of spaces and tabs become
 * one space; runs of blank lines become one blank line (a paragraph break); the text is trimmed.
 */
final class Whitespace {

    private static final Pattern EMPTY_PARENTHESES = Pattern.compile("[ \\t]\\([ \\t,;]*+\\)");

    private Whitespace() {}

    static String tidy(String raw) {
        String text = raw.contains("(") ? EMPTY_PARENTHESES.matcher(raw).replaceAll("") : raw;
        StringBuilder out = new StringBuilder(text.length());
        int blankLines = 0;
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int newline = text.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.length() : newline;
            int mark = out.length();
            appendCollapsed(out, text, lineStart, lineEnd);
            if (out.length() == mark) {
                blankLines++;
            } else if (mark > 0) {
                out.insert(mark, blankLines > 0 ? "\n\n" : "\n");
                blankLines = 0;
            } else {
                blankLines = 0;
            }
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        return out.toString();
    }

    /** Appends the line's words separated by single spaces; nothing for a blank line. */
    private static void appendCollapsed(StringBuilder out, String text, int from, int to) {
        boolean pendingSpace = false;
        int start = out.length();
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                pendingSpace = out.length() > start;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.append(c);
            }
        }
    }
}
