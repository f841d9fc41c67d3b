package io.headwise.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the lines of a text into paragraphs: runs of non-blank lines separated by blank lines.
 * A null line stands for one that could not be read; the paragraph holding it remembers where.
 */
public final class Paragraphs {

    /**
     * One paragraph.
     *
     * @param firstLine 1-based line number of its first line
     * @param text its lines joined by {@code \n} (unreadable lines left out)
     * @param badLine 1-based number of its first unreadable line, or 0 if every line was read
     */
    public record Paragraph(long firstLine, String text, long badLine) {}

    private Paragraphs() {}

    /** The paragraphs of {@code lines} (element {@code i} is line {@code i + 1}). */
    public static List<Paragraph> of(List<String> lines) {
        List<Paragraph> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        long first = 0;
        long bad = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line != null && line.isBlank()) {
                if (first > 0) {
                    paragraphs.add(new Paragraph(first, current.toString(), bad));
                    current.setLength(0);
                    first = 0;
                    bad = 0;
                }
                continue;
            }
            if (first == 0) {
                first = i + 1;
            } else if (line != null && current.length() > 0) {
                current.append('\n');
            }
            if (line == null) {
                bad = bad == 0 ? i + 1 : bad;
            } else {
                current.append(line);
            }
        }
        if (first > 0) {
            paragraphs.add(new Paragraph(first, current.toString(), bad));
        }
        return paragraphs;
    }
}
