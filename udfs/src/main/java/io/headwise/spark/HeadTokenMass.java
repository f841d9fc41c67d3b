package io.headwise.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A partition's running {@code head_token_mass}: per layer, head and key token id, the attention
 * mass {@code Σ_q Σ_{k ≤ q, x_k = token} A[q][k]} over queries {@code q = 1..T-1} (the queries
 * {@code head_stats} averages over). Dense ({@code L·H·V} doubles) when that is at most {@value
 * #DENSE_MAX} cells, else a map flushed every {@value #MAP_FLUSH} entries, so a task's memory stays
 * bounded either way; Spark sums the partial rows.
 */
public final class HeadTokenMass {

    /** Largest dense table: 32 MB of doubles. */
    static final int DENSE_MAX = 1 << 22;

    static final int MAP_FLUSH = 1 << 20;

    /** Receives one partial sum. */
    public interface Sink {
        void accept(int layer, int head, int tokenId, UTF8String token, double mass);
    }

    private final int nHead;
    private final int vocab;
    private final double[] dense;
    private final Map<Long, Double> sparse;
    private final UTF8String[] pieces;

    public HeadTokenMass(int nLayer, int nHead, int vocab) {
        this(nLayer, nHead, vocab, (long) nLayer * nHead * vocab <= DENSE_MAX);
    }

    HeadTokenMass(int nLayer, int nHead, int vocab, boolean denseTable) {
        this.nHead = nHead;
        this.vocab = vocab;
        this.dense = denseTable ? new double[nLayer * nHead * vocab] : null;
        this.sparse = dense == null ? new HashMap<>() : null;
        this.pieces = new UTF8String[vocab];
    }

    /**
     * Adds one sample.
     *
     * @param patterns {@code [L][H][q][k ≤ q]}
     * @param ids {@code [T]}
     * @param tokens {@code [T]} the pieces of {@code ids}
     * @param flush receives partial sums when the map is full
     */
    public void add(float[][][][] patterns, int[] ids, UTF8String[] tokens, Sink flush) {
        int t = ids.length;
        for (int k = 0; k < t; k++) {
            pieces[ids[k]] = tokens[k];
        }
        double[] column = new double[t];
        for (int l = 0; l < patterns.length; l++) {
            for (int h = 0; h < nHead; h++) {
                float[][] a = patterns[l][h];
                java.util.Arrays.fill(column, 0);
                for (int q = 1; q < t; q++) {
                    for (int k = 0; k <= q; k++) {
                        column[k] += a[q][k];
                    }
                }
                for (int k = 0; k < t; k++) {
                    long cell = ((long) l * nHead + h) * vocab + ids[k];
                    if (dense != null) {
                        dense[(int) cell] += column[k];
                    } else {
                        sparse.merge(cell, column[k], Double::sum);
                    }
                }
            }
        }
        if (sparse != null && sparse.size() >= MAP_FLUSH) {
            drain(flush);
        }
    }

    /** Emits every non-zero partial sum (zero masses add nothing and get no row) and starts again from zero. */
    public void drain(Sink sink) {
        if (dense != null) {
            for (int cell = 0; cell < dense.length; cell++) {
                if (dense[cell] != 0) {
                    emit(cell, dense[cell], sink);
                    dense[cell] = 0;
                }
            }
        } else {
            sparse.forEach((cell, mass) -> {
                if (mass != 0) {
                    emit(cell, mass, sink);
                }
            });
            sparse.clear();
        }
    }

    private void emit(long cell, double mass, Sink sink) {
        int tokenId = (int) (cell % vocab);
        long layerHead = cell / vocab;
        sink.accept((int) (layerHead / nHead), (int) (layerHead % nHead), tokenId, pieces[tokenId], mass);
    }
}
