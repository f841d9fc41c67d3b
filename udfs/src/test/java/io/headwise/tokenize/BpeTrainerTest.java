package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    private static List<String> merges(BpeModel model) {
        return model.merges().stream().map(BpeMerge::toString).toList();
    }

    @Test
    void mergesTheMostFrequentPairFirst() {
        // (a,b) occurs 3+2 = 5 times, (b,c) 2+1 = 3; after "ab", (ab,c) occurs 2 times and
        // (b,c) once, so training stops after two merges.
        BpeModel model = BpeTrainer.train(Map.of("ab", 3L, "abc", 2L, "bc", 1L), 1000);
        assertThat(merges(model)).containsExactly("a b", "ab c");
        assertThat(model.vocabSize()).isEqualTo(259);
        assertThat(model.vocab())
                .containsEntry("ab", 256)
                .containsEntry("abc", 257)
                .containsEntry("<|endoftext|>", 258)
                .containsEntry("a", 97)
                .containsEntry("Ġ", 32);
    }

    @Test
    void countsOverlappingPairsAndMergesLeftToRight() {
        // "aaaa" has three (a,a) pairs; merging gives [aa, aa], then one (aa,aa) per piece.
        BpeModel model = BpeTrainer.train(Map.of("aaaa", 2L, "aaa", 1L), 1000);
        assertThat(merges(model)).containsExactly("a a", "aa aa");
        assertThat(model.tokenBytes(257)).isEqualTo("aaaa".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void tiesGoToTheSmallestLeftThenRightBytesUnsigned() {
        // All three pairs occur twice. 'x' (0x78) < 0xC3 as unsigned bytes; signed it would lose.
        BpeModel model = BpeTrainer.train(Map.of("xz", 2L, "é", 2L, "xy", 2L), 1000);
        assertThat(merges(model)).containsExactly("x y", "x z", "Ã ©");
    }

    @Test
    void vocabSizeCountsBytesMergesAndEndOfText() {
        BpeModel model = BpeTrainer.train(syntheticCounts(5_000, 1), 300);
        assertThat(model.vocabSize()).isEqualTo(300);
        assertThat(model.vocab()).hasSize(300);
        assertThat(model.endOfTextId()).isEqualTo(299);
        assertThat(model.merges()).hasSizeGreaterThanOrEqualTo(300 - 257);
    }

    @Test
    void resultDependsOnlyOnTheCountsNotOnMapOrder() {
        Map<String, Long> counts = syntheticCounts(3_000, 2);
        List<String> keys = new ArrayList<>(counts.keySet());
        Collections.shuffle(keys, new Random(7));
        Map<String, Long> shuffled = new LinkedHashMap<>();
        keys.forEach(k -> shuffled.put(k, counts.get(k)));

        BpeModel first = BpeTrainer.train(counts, 600);
        assertThat(merges(BpeTrainer.train(counts, 600))).isEqualTo(merges(first));
        assertThat(merges(BpeTrainer.train(shuffled, 600))).isEqualTo(merges(first));
        assertThat(BpeTrainer.train(shuffled, 600).vocab()).isEqualTo(first.vocab());
    }

    @Test
    void stopsEarlyWhenNoPairOccursTwice() {
        // Two distinct pieces, each merged whole within 3+4 merges; nothing is left to merge.
        BpeModel model = BpeTrainer.train(Map.of("abcd", 2L, "wxyzv", 3L), 2000);
        assertThat(model.merges()).hasSize(7);
        assertThat(model.vocabSize()).isEqualTo(256 + 7 + 1);
        assertThat(model.vocab()).containsKeys("abcd", "wxyzv");
    }

    @Test
    void rejectsBadInputNamingIt() {
        assertThatThrownBy(() -> BpeTrainer.train(Map.of("ab", 1L), 256))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocab size 256");
        assertThatThrownBy(() -> BpeTrainer.train(Map.of("ab", 0L), 300))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"ab\" has count 0");
    }

    private static final String CORPUS = String.join(
            "\n",
            Collections.nCopies(
                    50,
                    "The quick brown fox jumps over the lazy dog. Der Fuchs springt über den Hund; "
                            + "le renard saute par-dessus le chien. 東京タワーの夜景 🦊🦊 1234567 end."));

    private static Map<String, Long> corpusCounts() {
        Map<String, Long> counts = new HashMap<>();
        PreTokenizer.split(CORPUS).forEach(p -> counts.merge(p, 1L, Long::sum));
        return counts;
    }

    private static TextTokenizer trainAndLoad(Map<String, Long> counts, int vocabSize, Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, BpeTrainer.train(counts, vocabSize).toTokenizerJson());
        return Tokenizers.load(file);
    }

    @Test
    void trainedTokenizerRoundTripsAnyTextThroughDjl(@TempDir Path dir) throws Exception {
        try (TextTokenizer tok = trainAndLoad(corpusCounts(), 300, dir)) {
            assertThat(tok.isCharLevel()).isFalse();
            assertThat(tok.vocabSize()).isEqualTo(300);
            assertThat(tok.specialId("<|endoftext|>")).hasValue(299);
            for (String text : List.of(
                    "",
                    "The quick brown fox",
                    "unseen wörds ÆØÅ ß ğ ıİ",
                    "emoji 😀👩‍👩‍👧 flags 🇳🇴",
                    "tabs\tand\r\nnewlines\n\n\nand   many    spaces  ",
                    "\u00A0nbsp\u3000ideographic\u2028separator",
                    "x<|endoftext|>y")) {
                assertThat(tok.decode(tok.encode(text)))
                        .as("round trip of %s", text)
                        .isEqualTo(text);
            }
            assertThat(tok.encode(CORPUS).length).isLessThan(CORPUS.getBytes(StandardCharsets.UTF_8).length);
            assertThat(tok.encode("x<|endoftext|>y")).contains(299);
            String[] pieces = tok.pieces(tok.encode("The quick"));
            assertThat(pieces).hasSizeLessThan("The quick".length());
            assertThat(String.join("", pieces)).isEqualTo("The quick");
        }
    }

    @Test
    void trainedToExhaustionEveryRepeatedPieceIsOneToken(@TempDir Path dir) throws Exception {
        Map<String, Long> counts = corpusCounts();
        try (TextTokenizer tok = trainAndLoad(counts, 2000, dir)) {
            counts.forEach((piece, count) -> {
                if (count >= 2) {
                    assertThat(tok.encode(piece)).as("tokens of %s", piece).hasSize(1);
                }
            });
            assertThat(tok.pieces(tok.encode(" 🦊🦊"))).containsExactly(" 🦊🦊");
        }
    }

    @Test
    void realisticSizeTrainsQuickly() {
        // ~100k distinct pieces, ~5M total count, the default 2000-token vocabulary.
        Map<String, Long> counts = syntheticCounts(100_000, 3);
        assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isBetween(3_000_000L, 8_000_000L);
        BpeModel model = BpeTrainer.train(counts, 2000);
        assertThat(model.vocabSize()).isEqualTo(2000);
    }

    /** Zipf-distributed pseudo-words with a leading space, like real pre-token counts. */
    static Map<String, Long> syntheticCounts(int distinct, long seed) {
        Random random = new Random(seed);
        String letters = "eeeeeeeaaaaaooooiiiinnnsssrrrtttlllcdduumhgpbfywkvxzqj";
        Map<String, Long> counts = new LinkedHashMap<>();
        while (counts.size() < distinct) {
            int length = 2 + random.nextInt(3) + random.nextInt(6);
            StringBuilder word = new StringBuilder(" ");
            for (int i = 0; i < length; i++) {
                word.append(letters.charAt(random.nextInt(letters.length())));
            }
            int rank = counts.size() + 1;
            counts.putIfAbsent(word.toString(), Math.max(1L, 420_000L / rank));
        }
        return counts;
    }
}
