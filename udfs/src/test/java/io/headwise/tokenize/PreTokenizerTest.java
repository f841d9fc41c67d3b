package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreTokenizerTest {

    @Test
    void splitsWordsNumbersAndWhitespaceLikeLlama3() {
        assertThat(PreTokenizer.split("Hello world's 12345  x\n\ny"))
                .containsExactly("Hello", " world", "'s", " ", "123", "45", " ", " x", "\n\n", "y");
        assertThat(PreTokenizer.split("I'LL go... (now)!"))
                .containsExactly("I", "'LL", " go", "...", " (", "now", ")!");
        assertThat(PreTokenizer.split("")).isEmpty();
    }

    @Test
    void unicodeWhitespaceCountsAsWhitespace() {
        assertThat(PreTokenizer.split("a\u00A0\u00A0b")).containsExactly("a", "\u00A0", "\u00A0b");
    }

    @Test
    void agreesWithTheRustSplitOfTheTrainedTokenizerJson(@TempDir Path dir) throws Exception {
        // No merges: every token is one byte and the word ids show the Rust split.
        BpeModel bytesOnly = BpeTrainer.train(Map.of("ab", 5L), 257);
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, bytesOnly.toTokenizerJson());
        String text = "Hello world's 12345  x\n\ny\r\n\tI'LL go... (now)! naïve café 😀😀 "
                + "a\u00A0\u00A0b c\u3000\u3000d 東京タワー x\u2003 \u0301e  \n  end ";
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build()) {
            assertThat(PreTokenizer.split(text)).containsExactlyElementsOf(rustSplit(hf, text));
        }
    }

    private static List<String> rustSplit(HuggingFaceTokenizer hf, String text) {
        Encoding enc = hf.encode(text);
        long[] ids = enc.getIds();
        long[] words = enc.getWordIds();
        List<String> pieces = new ArrayList<>();
        ByteArrayOutputStream piece = new ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            if (i > 0 && words[i] != words[i - 1]) {
                pieces.add(piece.toString(StandardCharsets.UTF_8));
                piece.reset();
            }
            piece.write((int) ids[i]); // id = byte value for the 256 byte tokens
        }
        if (piece.size() > 0) {
            pieces.add(piece.toString(StandardCharsets.UTF_8));
        }
        return pieces;
    }
}
