package io.headwise.tokenize.wiki;

/**
 * Removes templates {@code {{…}}} and template parameters {@code {{{…}}}}, nested to any depth,
 * with whatever they contain (links, tables, line breaks).
 *
 * <p>Braces are matched the way MediaWiki's preprocessor does: a run of opening braces is one
 * open group; a run of closing braces closes three of them (a parameter) when both runs have
 * three, otherwise two (a template), and any closers left over go on to the next open group.
 * That keeps {@code {{a|{{{1}}}}}} or {@code {{{{{x}}}}}} free of stray braces. A single brace is
 * text. Closers with nothing open are dropped; a group that never closes keeps its text and loses
 * its braces (see {@link OpenGroups}).
 */
final class Templates {

    private Templates() {}

    static String strip(String text) {
        if (!text.contains("{{") && !text.contains("}}")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        OpenGroups open = new OpenGroups();
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            int run = runLength(text, i, c);
            if (c == '{' && run >= 2) {
                open.push(out.length(), run);
                out.append(text, i, i + run);
            } else if (c == '}' && run >= 2) {
                close(out, open, text, i, run);
            } else {
                out.append(text, i, i + run);
            }
            i += run;
        }
        open.removeUnclosedMarkers(out);
        return out.toString();
    }

    private static void close(StringBuilder out, OpenGroups open, String text, int at, int run) {
        int left = run;
        while (left >= 2 && !open.isEmpty()) {
            int width = open.topWidth();
            int matched = Math.min(left, width) >= 3 ? 3 : 2;
            out.setLength(open.topStart() + width - matched);
            left -= matched;
            if (width - matched >= 2) {
                open.setTopWidth(width - matched);
            } else {
                open.pop();
            }
        }
        if (open.isEmpty()) {
            return;
        }
        // Closers that are part of an open group's text stay until that group resolves.
        out.append(text, at + run - left, at + run);
    }

    /** Length of the run of {@code c} starting at {@code i}; 1 for any character but a brace. */
    private static int runLength(String text, int i, char c) {
        if (c != '{' && c != '}') {
            return 1;
        }
        int j = i;
        while (j < text.length() && text.charAt(j) == c) {
            j++;
        }
        return j - i;
    }
}
