package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    private static final int[] MUHAMADIBRAHIM = {0, 13, 21, 8, 1, 13, 1, 4, 9, 2, 18, 1, 8, 9, 13, 0};

    @Test
    void fixtureEncodesWithOrWithoutDelimiters() {
        try (TextTokenizer tok = Tokenizers.load(TestData.tinyTokenizer())) {
            assertThat(tok.isCharLevel()).isTrue();
            assertThat(tok.vocabSize()).isEqualTo(27);
            assertThat(tok.encode(".muhamadibrahim.")).containsExactly(MUHAMADIBRAHIM);
            assertThat(tok.encode("muhamadibrahim")).containsExactly(MUHAMADIBRAHIM);
            assertThat(tok.decode(MUHAMADIBRAHIM)).isEqualTo(".muhamadibrahim.");
            assertThat(tok.pieces(new int[] {0, 13, 21, 0})).containsExactly(".", "m", "u", ".");
            assertThat(tok.specialId(".")).hasValue(0);
            assertThat(tok.specialId("<|endoftext|>")).isEmpty();
        }
    }

    @Test
    void unknownCharacterIsNamedInsteadOfBecomingTheUnkToken() {
        try (TextTokenizer tok = Tokenizers.load(TestData.tinyTokenizer())) {
            assertThatThrownBy(() -> tok.encode("Muhamad"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("character 'M' (U+004D) at position 0");
            assertThatThrownBy(() -> tok.encode(".ab\nc."))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("U+000A")
                    .hasMessageContaining("position 3");
        }
    }

    @Test
    void longInputIsNotTruncated() {
        // DJL's builder would otherwise truncate to 512 tokens.
        String name = "ab".repeat(1000);
        try (TextTokenizer tok = Tokenizers.load(TestData.tinyTokenizer())) {
            assertThat(tok.encode(name)).hasSize(2002);
        }
    }

    @Test
    void loadsFromAModelDirectory(@TempDir Path dir) throws Exception {
        Files.copy(TestData.tinyTokenizer(), dir.resolve(Tokenizers.TOKENIZER_JSON));
        try (TextTokenizer tok = Tokenizers.load(dir)) {
            assertThat(tok.encode("emma")).containsExactly(0, 5, 13, 13, 1, 0);
        }
    }

    @Test
    void missingOrBrokenFilesAreNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Tokenizers.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.resolve("tokenizer.json").toString())
                .hasMessageContaining("does not exist");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"model\": ");
        assertThatThrownBy(() -> Tokenizers.load(broken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(broken.toString());
    }

    @Test
    void idsOutsideTheVocabularyAreNamed() {
        try (TextTokenizer tok = Tokenizers.load(TestData.tinyTokenizer())) {
            assertThatThrownBy(() -> tok.decode(new int[] {0, 27}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id 27 at position 1");
            assertThatThrownBy(() -> tok.pieces(new int[] {-1}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("token id -1 at position 0");
        }
    }
}
