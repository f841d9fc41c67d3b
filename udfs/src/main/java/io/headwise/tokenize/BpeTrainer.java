package io.headwise.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The driver-side merge loop of byte-level BPE training. Executors split the corpus with
 * {@link PreTokenizer} and count the pieces; this class turns those counts into merges.
 *
 * <p>Each piece is its UTF-8 bytes; the vocabulary starts as the 256 single bytes (id = byte
 * value, so ids are in byte order, not in GPT-2's {@link ByteLevel} character order). Every step
 * merges the most frequent adjacent pair, counted over all pieces weighted by their counts.
 * <b>Ties</b> go to the pair whose left token has the lexicographically smallest bytes
 * (unsigned), then whose right token does; since the rule looks only at counts and bytes, the
 * result does not depend on the iteration order of the input map.
 *
 * <p>Pair counts are maintained incrementally: each pair knows the pieces it occurs in, a merge
 * rewrites only those pieces and applies the difference of their pair counts, and a max-heap
 * with lazy deletion (entries whose count is out of date are skipped) finds the next pair.
 *
 * <p>{@code vocabSize} counts everything: 256 bytes + merged tokens + {@code <|endoftext|>},
 * which gets the last id. A merge whose bytes are already a token (a+bc after ab+c) is kept as a
 * rule but adds no token, as in Hugging Face's trainer, so there are then more merges than
 * {@code vocabSize - 257}. Training stops early when the most frequent pair occurs fewer than
 * twice: such a merge would only memorise one piece.
 */
public final class BpeTrainer {
    private static final int BYTE_TOKENS = 256;

    // Token bytes are held as ISO-8859-1 strings (one char per byte): hashable map keys whose
    // String.compareTo is exactly unsigned lexicographic byte order.
    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Integer> idOf = new HashMap<>();
    private final List<int[]> merges = new ArrayList<>();
    private final int[][] symbols;
    private final long[] counts;
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue = new PriorityQueue<>(Comparator.comparingLong(Candidate::count)
            .reversed()
            .thenComparing(c -> tokens.get(c.left()))
            .thenComparing(c -> tokens.get(c.right())));

    private BpeTrainer(Map<String, Long> pieceCounts) {
        for (int b = 0; b < BYTE_TOKENS; b++) {
            addToken(String.valueOf((char) b));
        }
        // Sorted so that the internal layout, not only the result, is reproducible.
        TreeMap<String, Long> sorted = new TreeMap<>(pieceCounts);
        symbols = new int[sorted.size()][];
        counts = new long[sorted.size()];
        int w = 0;
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            symbols[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[w][i] = bytes[i] & 0xFF;
            }
            counts[w] = e.getValue();
            for (long key : pairKeys(symbols[w])) {
                addCount(key, counts[w], w);
            }
            w++;
        }
        pairs.forEach((key, stats) -> queue.add(new Candidate(stats.count, left(key), right(key))));
    }

    /**
     * Learns merges until the vocabulary (bytes + merged tokens + {@code <|endoftext|>}) has
     * {@code vocabSize} entries, or no pair occurs twice.
     *
     * @param pieceCounts pre-token to its number of occurrences in the corpus
     * @throws IllegalArgumentException if {@code vocabSize < 257}, or a piece is null or empty or
     *     has a count that is null or not positive (naming the piece)
     */
    public static BpeModel train(Map<String, Long> pieceCounts, int vocabSize) {
        if (vocabSize < BYTE_TOKENS + 1) {
            throw new IllegalArgumentException(String.format(
                    "vocab size %d is too small: it must hold the 256 bytes and <|endoftext|>", vocabSize));
        }
        pieceCounts.forEach(BpeTrainer::checkPiece);
        BpeTrainer trainer = new BpeTrainer(pieceCounts);
        trainer.run(vocabSize - 1);
        return new BpeModel(trainer.tokens, trainer.merges);
    }

    private static void checkPiece(String piece, Long count) {
        if (piece == null || piece.isEmpty()) {
            throw new IllegalArgumentException("pre-token counts contain a null or empty piece");
        }
        if (count == null || count <= 0) {
            throw new IllegalArgumentException(
                    String.format("pre-token \"%s\" has count %s; counts must be positive", piece, count));
        }
    }

    private void run(int targetTokens) {
        while (tokens.size() < targetTokens) {
            Candidate best = pollCurrent();
            if (best == null || best.count() < 2) {
                return;
            }
            merge(best.left(), best.right());
        }
    }

    /** The best pair whose heap entry still matches its count, or null when none is left. */
    private Candidate pollCurrent() {
        Candidate c;
        while ((c = queue.poll()) != null) {
            PairStats stats = pairs.get(key(c.left(), c.right()));
            if (stats != null && stats.count == c.count()) {
                return c;
            }
        }
        return null;
    }

    private void merge(int a, int b) {
        String bytes = tokens.get(a) + tokens.get(b);
        Integer existing = idOf.get(bytes);
        int merged = existing != null ? existing : addToken(bytes);
        merges.add(new int[] {a, b});

        long mergedKey = key(a, b);
        PairStats stats = pairs.remove(mergedKey);
        Set<Long> touched = new HashSet<>();
        for (int w : stats.distinctPieces()) {
            int[] before = symbols[w];
            int[] after = replace(before, a, b, merged);
            if (after == before) {
                continue; // a stale entry: an earlier merge removed the pair from this piece
            }
            symbols[w] = after;
            applyDifference(w, pairKeys(before), pairKeys(after), mergedKey, touched);
        }
        for (long key : touched) {
            PairStats s = pairs.get(key);
            if (s != null) {
                queue.add(new Candidate(s.count, left(key), right(key)));
            }
        }
    }

    /** Adds (after − before) pair occurrences of piece {@code w}, times its count. */
    private void applyDifference(int w, long[] before, long[] after, long mergedKey, Set<Long> touched) {
        Arrays.sort(before);
        Arrays.sort(after);
        int i = 0;
        int j = 0;
        while (i < before.length || j < after.length) {
            long key;
            int delta = 0;
            if (j >= after.length || (i < before.length && before[i] < after[j])) {
                key = before[i];
            } else {
                key = after[j];
            }
            while (i < before.length && before[i] == key) {
                delta--;
                i++;
            }
            while (j < after.length && after[j] == key) {
                delta++;
                j++;
            }
            if (delta != 0 && key != mergedKey) {
                addCount(key, delta * counts[w], w);
                touched.add(key);
            }
        }
    }

    private void addCount(long key, long delta, int piece) {
        PairStats stats = pairs.computeIfAbsent(key, k -> new PairStats());
        stats.count += delta;
        if (delta > 0) {
            stats.addPiece(piece);
        }
        if (stats.count == 0) {
            pairs.remove(key);
        }
    }

    private int addToken(String bytes) {
        int id = tokens.size();
        tokens.add(bytes);
        idOf.put(bytes, id);
        return id;
    }

    /** {@code s} with every non-overlapping (a, b), left to right, replaced by {@code merged}. */
    private static int[] replace(int[] s, int a, int b, int merged) {
        int[] out = null;
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                if (out == null) {
                    out = Arrays.copyOf(s, s.length - 1);
                    n = i;
                }
                out[n++] = merged;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : Arrays.copyOf(out, n);
    }

    private static long[] pairKeys(int[] s) {
        long[] keys = new long[Math.max(0, s.length - 1)];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(s[i], s[i + 1]);
        }
        return keys;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key;
    }

    private record Candidate(long count, int left, int right) {}

    /** A pair's weighted count and the pieces it has occurred in (may list stale pieces). */
    private static final class PairStats {
        long count;
        private int[] pieces = new int[4];
        private int size;

        void addPiece(int w) {
            if (size > 0 && pieces[size - 1] == w) {
                return;
            }
            if (size == pieces.length) {
                pieces = Arrays.copyOf(pieces, size * 2);
            }
            pieces[size++] = w;
        }

        int[] distinctPieces() {
            return Arrays.stream(pieces, 0, size).sorted().distinct().toArray();
        }
    }
}
