package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.model.GptConfig;
import org.junit.jupiter.api.Test;

class ExtractIteratorTest {

    private final GptConfig config = GptConfig.of(27, 5, 8, 1, 2);

    @Test
    void rejectReasons() {
        assertThat(ExtractIterator.rejectReason(new int[] {0, 3, 0}, 3, config)).isNull();
        assertThat(ExtractIterator.rejectReason(new int[] {0, 1, 2, 3, 4}, 5, config)).isNull();
        assertThat(ExtractIterator.rejectReason(new int[0], 0, config)).isEqualTo("extract: empty sample (no tokens)");
        assertThat(ExtractIterator.rejectReason(new int[6], 6, config))
                .isEqualTo("extract: 6 tokens, longer than the model's n_positions (5)");
        assertThat(ExtractIterator.rejectReason(new int[] {0, 27}, 2, config))
                .isEqualTo("extract: token id 27 at position 1 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractIterator.rejectReason(new int[] {-1}, 1, config))
                .isEqualTo("extract: token id -1 at position 0 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractIterator.rejectReason(new int[] {0, 1}, 3, config)).isEqualTo("extract: 2 token ids but 3 tokens");
    }
}
