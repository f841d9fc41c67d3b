package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ByteLevelTest {

    @Test
    void printableBytesStandForThemselvesAndTheRestFollowFrom256() {
        assertThat(ByteLevel.charOf('!')).isEqualTo('!');
        assertThat(ByteLevel.charOf('~')).isEqualTo('~');
        assertThat(ByteLevel.charOf(0xE9)).isEqualTo('é');
        assertThat(ByteLevel.charOf(0)).isEqualTo('\u0100');
        assertThat(ByteLevel.charOf(' ')).isEqualTo('Ġ');
        assertThat(ByteLevel.charOf('\n')).isEqualTo('Ċ');
        assertThat(ByteLevel.charOf(0x7F)).isEqualTo('\u0121');
        assertThat(ByteLevel.charOf(0xA0)).isEqualTo('ł');
        assertThat(ByteLevel.charOf(0xAD)).isEqualTo('Ń');
    }

    @Test
    void isABijectionOnAllBytes() {
        Set<Character> seen = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            char c = ByteLevel.charOf(b);
            assertThat(seen.add(c)).as("char of byte %d is unique", b).isTrue();
            assertThat(ByteLevel.byteOf(c)).isEqualTo(b);
        }
        assertThat(ByteLevel.charOf((byte) -1)).isEqualTo('ÿ');
    }

    @Test
    void encodesUtf8AndDecodesBack() {
        String text = " héllo\n😀";
        String encoded = ByteLevel.encodeUtf8(text);
        assertThat(encoded).isEqualTo("ĠhÃ©lloĊðŁĺĢ");
        assertThat(new String(ByteLevel.decode(encoded), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(text);
    }

    @Test
    void decodeNamesACharacterOutsideTheAlphabet() {
        assertThatThrownBy(() -> ByteLevel.decode("ab€"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("U+20AC")
                .hasMessageContaining("position 2");
        assertThat(ByteLevel.byteOf(' ')).isEqualTo(-1);
    }
}
