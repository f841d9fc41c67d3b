package io.headwise.metrics;

/**
 * A causal attention pattern of one head on one sample: {@code A[query_pos][key_pos]} for
 * {@code key_pos ≤ query_pos}, each row a probability distribution over keys {@code 0..query_pos}.
 *
 * <p>Instances are views: the factories validate every weight once (finite, {@code ≥ 0}) and keep
 * a reference to the caller's array rather than copying it, so the array must not change while
 * the view is in use. Weights above the diagonal ({@code key_pos > query_pos}) of a square block
 * are never read.
 */
public sealed interface AttentionPattern permits AttentionPattern.Ragged, AttentionPattern.Square {

    /** {@code T}, the number of positions (query_pos and key_pos both run over {@code 0..T-1}). */
    int length();

    /** {@code A[queryPos][keyPos]}; only defined for {@code 0 ≤ keyPos ≤ queryPos < T}. */
    float weight(int queryPos, int keyPos);

    /**
     * Wraps ragged rows, the {@code attention} table layout: {@code rows[q]} holds the weights of
     * query {@code q} over keys {@code 0..q}, so it has length {@code q + 1}.
     *
     * @param rows {@code float[T][q + 1]}
     * @throws IllegalArgumentException naming the first row or weight at fault
     */
    static AttentionPattern ofRows(float[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("attention pattern is null");
        }
        for (int q = 0; q < rows.length; q++) {
            if (rows[q] == null) {
                throw new IllegalArgumentException(String.format("attention pattern row query_pos=%d is null", q));
            }
            if (rows[q].length != q + 1) {
                throw new IllegalArgumentException(String.format(
                        "attention pattern row query_pos=%d has length %d, expected %d (key_pos 0..%d)",
                        q, rows[q].length, q + 1, q));
            }
            for (int k = 0; k <= q; k++) {
                checkWeight(rows[q][k], q, k);
            }
        }
        return new Ragged(rows);
    }

    /**
     * Wraps a square {@code [query_pos, key_pos]} block stored row-major inside {@code buffer},
     * e.g. one {@code (batch, head)} slice of a {@code [batch, n_heads, P, P]} model output whose
     * sample has {@code T ≤ P} real positions: {@code A[q][k] = buffer[offset + q * stride + k]}.
     *
     * @param buffer flat weights; only entries with {@code k ≤ q < t} are read
     * @param offset index of {@code A[0][0]}
     * @param t number of positions {@code T}
     * @param stride distance between consecutive query rows, {@code ≥ t} (the padded length P)
     * @throws IllegalArgumentException if the block does not fit or a weight is not a probability
     */
    static AttentionPattern ofSquare(float[] buffer, int offset, int t, int stride) {
        if (buffer == null) {
            throw new IllegalArgumentException("attention buffer is null");
        }
        if (t < 0 || offset < 0 || stride < t) {
            throw new IllegalArgumentException(String.format(
                    "invalid square attention block: offset=%d, t=%d, stride=%d"
                            + " (need offset >= 0, t >= 0, stride >= t)",
                    offset, t, stride));
        }
        long end = t == 0 ? offset : offset + (long) (t - 1) * stride + t;
        if (end > buffer.length) {
            throw new IllegalArgumentException(String.format(
                    "square attention block offset=%d, t=%d, stride=%d ends at %d," + " past the buffer length %d",
                    offset, t, stride, end, buffer.length));
        }
        for (int q = 0; q < t; q++) {
            int row = offset + q * stride;
            for (int k = 0; k <= q; k++) {
                checkWeight(buffer[row + k], q, k);
            }
        }
        return new Square(buffer, offset, t, stride);
    }

    private static void checkWeight(float w, int q, int k) {
        if (!(w >= 0f) || Float.isInfinite(w)) {
            throw new IllegalArgumentException(String.format(
                    "attention weight at query_pos=%d, key_pos=%d is %s; expected a finite probability >= 0", q, k, w));
        }
    }

    /** View over ragged rows; build with {@link #ofRows}. */
    final class Ragged implements AttentionPattern {
        private final float[][] rows;

        private Ragged(float[][] rows) {
            this.rows = rows;
        }

        @Override
        public int length() {
            return rows.length;
        }

        @Override
        public float weight(int queryPos, int keyPos) {
            return rows[queryPos][keyPos];
        }
    }

    /** View over a square block in a flat buffer; build with {@link #ofSquare}. */
    final class Square implements AttentionPattern {
        private final float[] buffer;
        private final int offset;
        private final int t;
        private final int stride;

        private Square(float[] buffer, int offset, int t, int stride) {
            this.buffer = buffer;
            this.offset = offset;
            this.t = t;
            this.stride = stride;
        }

        @Override
        public int length() {
            return t;
        }

        @Override
        public float weight(int queryPos, int keyPos) {
            return buffer[offset + queryPos * stride + keyPos];
        }
    }
}
