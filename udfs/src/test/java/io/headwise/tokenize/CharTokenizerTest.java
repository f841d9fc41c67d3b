package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {
    private final CharTokenizer names = CharTokenizer.fromCorpus(List.of("emma", "olivia", "ava"));

    @Test
    void vocabIsDotThenSortedCharacters() {
        assertThat(names.vocab()).containsExactly(".", "a", "e", "i", "l", "m", "o", "v");
        assertThat(names.vocabSize()).isEqualTo(8);
    }

    @Test
    void encodesWithDelimitersWhetherOrNotGiven() {
        assertThat(names.encode("emma")).containsExactly(0, 2, 5, 5, 1, 0);
        assertThat(names.encode(".emma.")).containsExactly(0, 2, 5, 5, 1, 0);
        assertThat(names.encode("")).containsExactly(0, 0);
        assertThat(names.decode(names.encode("olivia"))).isEqualTo(".olivia.");
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        assertThatThrownBy(() -> names.encode(".emz."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("character 'z' (U+007A) at position 3 of \".emz.\" is not in the vocabulary");
    }

    @Test
    void dotInsideANameIsRejected() {
        assertThatThrownBy(() -> names.encode("em.ma"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'.' at position 2");
    }

    @Test
    void corpusWithADotIsRejected() {
        assertThatThrownBy(() -> CharTokenizer.fromCorpus(List.of("emma", "j.r.")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("'.' at position 1");
        assertThatThrownBy(() -> CharTokenizer.fromCorpus(List.of("", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("corpus has no characters");
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() {
        assertThatThrownBy(() -> names.decode(new int[] {0, 8}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token id 8 at position 1");
    }

    @Test
    void aToZCorpusWritesExactlyTheFixtureTokenizerJson() throws Exception {
        List<String> alphabet = new ArrayList<>();
        for (char c = 'z'; c >= 'a'; c--) {
            alphabet.add(String.valueOf(c));
        }
        String json = CharTokenizer.fromCorpus(alphabet).toTokenizerJson();
        assertThat(JsonParser.parseString(json))
                .isEqualTo(JsonParser.parseString(Files.readString(TestData.tinyTokenizer())));
    }

    @Test
    void writtenJsonLoadsAndEncodesLikeThisClass(@TempDir Path dir) throws Exception {
        // Includes a character outside the BMP to check that both sides count code points.
        CharTokenizer tok = CharTokenizer.fromCorpus(List.of("zoë", "😀x"));
        Files.writeString(dir.resolve("tokenizer.json"), tok.toTokenizerJson());
        try (TextTokenizer loaded = Tokenizers.load(dir)) {
            assertThat(loaded.isCharLevel()).isTrue();
            for (String name : List.of("zoë", "x😀ëz", "")) {
                assertThat(loaded.encode(name)).containsExactly(tok.encode(name));
            }
            assertThat(loaded.decode(tok.encode("x😀"))).isEqualTo(".x😀.");
        }
    }
}
