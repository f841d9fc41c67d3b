package io.headwise.corpus;

import java.util.ArrayList;
import java.util.List;

/** Splits a text into paragraphs: runs of non-blank lines separated by blank lines. */
public final class Paragraphs {

    /**
     * One paragraph.
     *
     * @param firstLine 1-based line number of its first line within the text
     * @param text its lines joined by {@code \n}
     */
    public record Paragraph(long firstLine, String text) {}

    private Paragraphs() {}

    /** The paragraphs of {@code lines} (line {@code i} of the list is line {@code i + 1}). */
    public static List<Paragraph> of(List<String> lines) {
        List<Paragraph> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        long first = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                if (current.length() > 0) {
                    paragraphs.add(new Paragraph(first, current.toString()));
                    current.setLength(0);
                }
                continue;
            }
            if (current.length() == 0) {
                first = i + 1;
            } else {
                current.append('\n');
            }
            current.append(line);
        }
        if (current.length() > 0) {
            paragraphs.add(new Paragraph(first, current.toString()));
        }
        return paragraphs;
    }
}
