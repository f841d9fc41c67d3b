package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8PiecesTest {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void completeCharactersAreDecoded() {
        assertThat(Utf8Pieces.render(" café 😀".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(" café 😀");
        assertThat(Utf8Pieces.render(bytes(0xEF, 0xBF, 0xBD))).isEqualTo("\uFFFD");
    }

    @Test
    void partialCharactersShowTheirBytes() {
        // 😀 is F0 9F 98 80; a token may hold only part of it.
        assertThat(Utf8Pieces.render(bytes(0xF0, 0x9F))).isEqualTo("<0xF0><0x9F>");
        assertThat(Utf8Pieces.render(bytes(0x98, 0x80))).isEqualTo("<0x98><0x80>");
        assertThat(Utf8Pieces.render(bytes('a', 0xC3))).isEqualTo("a<0xC3>");
        assertThat(Utf8Pieces.render(bytes(0xA9, 't'))).isEqualTo("<0xA9>t");
    }

    @Test
    void invalidSequencesShowTheirBytes() {
        assertThat(Utf8Pieces.render(bytes(0xC0, 0xAF))).isEqualTo("<0xC0><0xAF>"); // overlong '/'
        assertThat(Utf8Pieces.render(bytes(0xED, 0xA0, 0x80))).isEqualTo("<0xED><0xA0><0x80>");
    }
}
