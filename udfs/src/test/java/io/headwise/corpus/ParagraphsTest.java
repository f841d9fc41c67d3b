package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.corpus.Paragraphs.Paragraph;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ParagraphsTest {

    @Test
    void blankLinesSeparateParagraphsNumberedByTheirFirstLine() {
        assertThat(Paragraphs.of(Arrays.asList("", "one", "two", "", "  ", "three", "")))
                .containsExactly(new Paragraph(2, "one\ntwo", 0), new Paragraph(6, "three", 0));
    }

    @Test
    void anUnreadableLineMarksItsParagraph() {
        assertThat(Paragraphs.of(Arrays.asList("a", null, "b", "", "c")))
                .containsExactly(new Paragraph(1, "a\nb", 2), new Paragraph(5, "c", 0));
        assertThat(Paragraphs.of(Arrays.asList(null, "b"))).containsExactly(new Paragraph(1, "b", 1));
    }

    @Test
    void noLinesNoParagraphs() {
        assertThat(Paragraphs.of(Arrays.asList("", " "))).isEmpty();
    }
}
