package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2VocabTest {
    @TempDir
    static Path dir;

    private static Path tokenizerJson;

    @BeforeAll
    static void convert() throws Exception {
        tokenizerJson = dir.resolve("tokenizer.json");
        Files.writeString(tokenizerJson, Gpt2Vocab.toTokenizerJson(TestData.gpt2TokenizerDir()));
    }

    @Test
    void encodesLikeGpt2() {
        try (TextTokenizer tok = Tokenizers.load(tokenizerJson)) {
            assertThat(tok.encode("Hello world")).containsExactly(15496, 995);
            assertThat(tok.pieces(new int[] {15496, 995})).containsExactly("Hello", " world");
            assertThat(tok.vocabSize()).isEqualTo(50257);
            assertThat(tok.specialId("<|endoftext|>")).hasValue(50256);
            assertThat(tok.encode("<|endoftext|>")).containsExactly(50256);
            assertThat(tok.decode(new int[] {15496, 50256})).isEqualTo("Hello<|endoftext|>");
        }
    }

    @Test
    void roundTripsText() {
        try (TextTokenizer tok = Tokenizers.load(tokenizerJson)) {
            for (String text : List.of(
                    " the quick brown fox",
                    "naïve café, 東京 😀!",
                    "line one\n\n  indented\ttab   spaces ",
                    "1234567890 $%^&*")) {
                assertThat(tok.decode(tok.encode(text)))
                        .as("round trip of %s", text)
                        .isEqualTo(text);
            }
        }
    }

    @Test
    void partialUtf8TokensShowTheirBytes() {
        try (TextTokenizer tok = Tokenizers.load(tokenizerJson)) {
            int[] ids = tok.encode("😀");
            assertThat(ids.length).isGreaterThan(1);
            assertThat(String.join("", tok.pieces(ids))).isEqualTo("<0xF0><0x9F><0x98><0x80>");
        }
    }

    @Test
    void malformedMergeLineIsNamed(@TempDir Path tmp) throws Exception {
        Path encoder = tmp.resolve("encoder.json");
        Path bpe = tmp.resolve("vocab.bpe");
        Files.writeString(encoder, "{\"a\": 0, \"b\": 1, \"ab\": 2, \"<|endoftext|>\": 3}");
        Files.writeString(bpe, "#version: 0.2\na b\nab\n");
        assertThatThrownBy(() -> Gpt2Vocab.toTokenizerJson(encoder, bpe))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bpe + " line 3");
        Files.writeString(bpe, "#version: 0.2\na c\n");
        assertThatThrownBy(() -> Gpt2Vocab.toTokenizerJson(encoder, bpe))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2: token \"c\" is not in the encoder vocabulary");
    }
}
