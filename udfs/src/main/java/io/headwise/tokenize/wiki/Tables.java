package io.headwise.tokenize.wiki;

/**
 * Removes wiki tables, {@code {|} … {@code |}}, nested to any depth, with their captions and
 * cells: cell text is rarely a sentence, and flattening it produces word salad.
 *
 * <p>As in MediaWiki, both markers count only at the start of a line, after optional spaces or
 * {@code :} indentation. Text after a closing {@code |}} on its line is kept; a closing line with nothing else
 * goes entirely, so a table between two paragraphs leaves no blank line. A closer with no
 * table open is dropped; an unclosed table keeps its text and loses its opening marker.
 */
final class Tables {

    private Tables() {}

    static String strip(String text) {
        if (!text.contains("{|") && !text.contains("|}")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        OpenGroups open = new OpenGroups();
        int lineStart = 0;
        while (lineStart < text.length()) {
            int newline = text.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.length() : newline + 1;
            int marker = skipIndent(text, lineStart, lineEnd);
            if (text.startsWith("{|", marker)) {
                open.push(out.length(), marker + 2 - lineStart);
                out.append(text, lineStart, lineEnd);
            } else if (text.startsWith("|}", marker)) {
                if (!open.isEmpty()) {
                    out.setLength(open.topStart());
                    open.pop();
                } else {
                    out.append(text, lineStart, marker);
                }
                if (!text.substring(marker + 2, lineEnd).isBlank()) {
                    out.append(text, marker + 2, lineEnd);
                }
            } else {
                out.append(text, lineStart, lineEnd);
            }
            lineStart = lineEnd;
        }
        open.removeUnclosedMarkers(out);
        return out.toString();
    }

    private static int skipIndent(String text, int from, int to) {
        int i = from;
        while (i < to && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == ':')) {
            i++;
        }
        return i;
    }
}
