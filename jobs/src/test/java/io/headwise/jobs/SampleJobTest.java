package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import io.headwise.model.GptConfig;
import io.headwise.tokenize.TextTokenizer;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The start and stop tokens of {@code sample} for a BPE model, from its tokenizer or config.json. */
class SampleJobTest {

    /** A byte-per-token stand-in for a foreign BPE tokenizer, with {@code <|endoftext|>} or without. */
    private static TextTokenizer bpe(Integer endOfText) {
        return new TextTokenizer() {
            @Override
            public int[] encode(String text) {
                return text.chars().map(c -> c % 20).toArray();
            }

            @Override
            public String decode(int[] ids) {
                return "";
            }

            @Override
            public String[] pieces(int[] ids) {
                return new String[ids.length];
            }

            @Override
            public int vocabSize() {
                return 27;
            }

            @Override
            public OptionalInt specialId(String token) {
                return endOfText != null && token.equals(io.headwise.tokenize.TokenizerJson.END_OF_TEXT)
                        ? OptionalInt.of(endOfText)
                        : OptionalInt.empty();
            }

            @Override
            public boolean isCharLevel() {
                return false;
            }

            @Override
            public void close() {}
        };
    }

    private static GptConfig config(int eos) {
        return new GptConfig(27, 16, 8, 1, 2, 1e-5, true, eos, eos);
    }

    @Test
    void withoutAPromptTheEndOfTextTokenStarts() {
        GptConfig config = config(50256);
        int stop = SampleJob.stopId(bpe(26), config);
        assertThat(stop).isEqualTo(26);
        assertThat(SampleJob.prompt(bpe(26), "", stop, config)).containsExactly(26);
    }

    @Test
    void withoutEndOfTextTheConfigsEosStartsIfItIsAToken() {
        GptConfig config = config(3);
        int stop = SampleJob.stopId(bpe(null), config);
        assertThat(stop).isEqualTo(3);
        assertThat(SampleJob.prompt(bpe(null), "", stop, config)).containsExactly(3);
    }

    @Test
    void anEosOutsideTheVocabularyNeedsAPrompt() {
        GptConfig config = config(50256);
        int stop = SampleJob.stopId(bpe(null), config);
        assertThatThrownBy(() -> SampleJob.prompt(bpe(null), "", stop, config))
                .isInstanceOf(BadInputException.class)
                .hasMessage(
                        "the model has no start token: its tokenizer has no <|endoftext|> and eos_token_id 50256 is not below vocab_size 27; give --prompt");
        assertThat(SampleJob.prompt(bpe(null), "ab", stop, config)).containsExactly(97 % 20, 98 % 20);
    }
}
