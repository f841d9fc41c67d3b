package io.headwise.tokenize.wiki;

/**
 * Markup that only means something at the start of a line: headings keep their text on a line
 * of its own, list and indentation markers ({@code * # : ;}) and horizontal rules go.
 */
final class LineMarkup {

    private static final int MAX_HEADING_LEVEL = 6;
    private static final String LIST_MARKERS = "*#:;";

    private LineMarkup() {}

    static String strip(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int lineStart = 0;
        while (lineStart <= text.length()) {
            int newline = text.indexOf('\n', lineStart);
            int lineEnd = newline < 0 ? text.length() : newline;
            out.append(line(text.substring(lineStart, lineEnd)));
            if (newline < 0) {
                break;
            }
            out.append('\n');
            lineStart = newline + 1;
        }
        return out.toString();
    }

    private static String line(String line) {
        if (line.isEmpty()) {
            return line;
        }
        char first = line.charAt(0);
        if (first == '=') {
            return heading(line);
        }
        if (LIST_MARKERS.indexOf(first) >= 0) {
            int i = 0;
            while (i < line.length() && LIST_MARKERS.indexOf(line.charAt(i)) >= 0) {
                i++;
            }
            return line.substring(i).trim();
        }
        if (line.startsWith("----")) {
            int i = 0;
            while (i < line.length() && line.charAt(i) == '-') {
                i++;
            }
            return line.substring(i).trim();
        }
        return line;
    }

    /** {@code == Title ==} → {@code Title}; unequal runs keep the surplus, as MediaWiki does. */
    private static String heading(String line) {
        String s = line.stripTrailing();
        int left = 0;
        while (left < s.length() && s.charAt(left) == '=') {
            left++;
        }
        int right = 0;
        while (right < s.length() && s.charAt(s.length() - 1 - right) == '=') {
            right++;
        }
        int level = Math.min(MAX_HEADING_LEVEL, Math.min(left, right));
        if (s.length() <= 2 * level) {
            return line;
        }
        return s.substring(level, s.length() - level).trim();
    }
}
