package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8TextTest {

    @Test
    void decodesValidUtf8WithinTheGivenLength() {
        byte[] bytes = "josé!!".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8Text.decode(bytes, 5)).isEqualTo("josé");
    }

    @Test
    void namesTheFirstInvalidByteAndItsOffset() {
        byte[] bytes = {'o', 'l', (byte) 0xFF, (byte) 0xFE, 'i'};
        assertThatThrownBy(() -> Utf8Text.decode(bytes, bytes.length))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid UTF-8: byte 0xFF at offset 2");
        byte[] cut = {'a', (byte) 0xC3, '('};
        assertThatThrownBy(() -> Utf8Text.decode(cut, cut.length)).hasMessage("invalid UTF-8: byte 0xC3 at offset 1");
        assertThat(Utf8Text.lenient(bytes, bytes.length)).isEqualTo("ol\uFFFD\uFFFDi");
    }

    @Test
    void excerptsKeep200CharactersAndNeverHalfACharacter() {
        assertThat(Utf8Text.excerpt("short")).isEqualTo("short");
        assertThat(Utf8Text.excerpt(null)).isNull();
        assertThat(Utf8Text.excerpt("x".repeat(300))).hasSize(200);
        String emoji = "x".repeat(199) + "\uD83D\uDE00" + "tail";
        assertThat(Utf8Text.excerpt(emoji)).isEqualTo("x".repeat(199));
    }
}
