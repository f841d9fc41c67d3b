package io.headwise.spark;

import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.model.SampleResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What {@code extract} keeps of its model pass: one compact {@code byte[]} record per analysed
 * sample (or rejected sample, or partial {@code head_token_mass} sum), from which every table's
 * rows are made ({@link #rows}). The job runs the model once, caches the records and writes each
 * table from the cache with that table's own schema, so no row is ever encoded in a schema wider
 * than its table's, and the cache holds flat arrays instead of millions of rows.
 *
 * <p>The rows are Spark's internal ones ({@link InternalRow}: {@link UTF8String} strings, arrays
 * copied once into {@link UnsafeArrayData}), so no value is boxed on its way to Parquet — an
 * {@code attention} row of a 20-token sample holds 210 floats (see {@link
 * SparkRows#dataFrame}).
 *
 * <p>A sample record, with {@code T} positions, {@code L} layers, {@code H} heads, {@code K} MLP
 * neurons kept; sections in this order, each present when its flag is set:
 *
 * <pre>
 *   kind (byte), sample_id (long), T, L, H, K (int), flags (byte: gradients, patterns)
 *   ids            int[T]
 *   head stats     double[L·H·6]      entropy, distance, prev_token, first_token, self, max_weight (T ≥ 2)
 *   head_grad      float[L·H]         gradients, T ≥ 2
 *   loss           float[T−1]
 *   grad_norm      float[T]           gradients, T ≥ 2
 *   grad_x_input   float[T]           gradients, T ≥ 2
 *   resid_norm     float[L·T]
 *   mlp top ids    int[L·T·K]
 *   mlp top values float[L·T·K]
 *   patterns       float[L·H·T(T+1)/2] row q of head (l, h) holds q+1 weights   (patterns)
 *   tokens         T × (int length, UTF-8 bytes)
 * </pre>
 */
public final class ExtractRecords {

    /** The tables made from the records. */
    public static final List<String> TABLES = List.of(
            Schemas.REJECTS,
            Schemas.ATTENTION,
            Schemas.HEAD_STATS,
            Schemas.TOKEN_STATS,
            Schemas.ACTIVATIONS,
            Schemas.HEAD_TOKEN_MASS);

    /** Characters of a rejected sample's decoded tokens kept in {@code rejects.excerpt}. */
    public static final int EXCERPT_CHARS = 200;

    static final byte SAMPLE = 1;
    static final byte REJECT = 2;
    static final byte MASS = 3;

    private static final byte GRADIENTS = 1;
    private static final byte PATTERNS = 2;
    private static final int STATS = 6;
    private static final int HEADER = 1 + Long.BYTES + 4 * Integer.BYTES + 1;

    private ExtractRecords() {}

    /**
     * The record of one analysed sample.
     *
     * @param pieces its {@code tokens} column, {@code [T]}
     * @param withPatterns whether its {@code attention} rows are written
     */
    public static byte[] sample(long sampleId, SampleResult r, List<String> pieces, boolean withPatterns) {
        int t = r.length();
        float[][][][] patterns = r.patterns();
        int nLayer = patterns.length;
        int nHead = nLayer == 0 ? 0 : patterns[0].length;
        int k = nLayer == 0 || t == 0 ? 0 : r.mlpTopIds()[0][0].length;
        boolean gradients = r.hasGradients();
        byte[][] text = utf8(pieces);
        int size = HEADER
                + Integer.BYTES * t
                + (t >= 2 ? Double.BYTES * STATS * nLayer * nHead : 0)
                + (gradients ? Float.BYTES * (nLayer * nHead + 2 * t) : 0)
                + Float.BYTES * Math.max(t - 1, 0)
                + Float.BYTES * nLayer * t
                + (Integer.BYTES + Float.BYTES) * nLayer * t * k
                + (withPatterns ? Float.BYTES * nLayer * nHead * triangle(t) : 0);
        for (byte[] piece : text) {
            size += Integer.BYTES + piece.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(SAMPLE)
                .putLong(sampleId)
                .putInt(t)
                .putInt(nLayer)
                .putInt(nHead)
                .putInt(k)
                .put((byte) ((gradients ? GRADIENTS : 0) | (withPatterns ? PATTERNS : 0)));
        for (int id : r.tokenIds()) {
            out.putInt(id);
        }
        if (t >= 2) {
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    HeadStats s = HeadMetrics.headStats(patterns[l][h]).orElseThrow();
                    out.putDouble(s.entropy())
                            .putDouble(s.distance())
                            .putDouble(s.prevToken())
                            .putDouble(s.firstToken())
                            .putDouble(s.self())
                            .putDouble(s.maxWeight());
                }
            }
            if (gradients) {
                for (float[] layer : r.headGrad()) {
                    putFloats(out, layer);
                }
            }
        }
        putFloats(out, r.loss());
        if (gradients) {
            putFloats(out, r.gradNorm());
            putFloats(out, r.gradXInput());
        }
        for (float[] layer : r.residNorm()) {
            putFloats(out, layer);
        }
        for (int[][] layer : r.mlpTopIds()) {
            for (int[] position : layer) {
                for (int id : position) {
                    out.putInt(id);
                }
            }
        }
        for (float[][] layer : r.mlpTopValues()) {
            for (float[] position : layer) {
                putFloats(out, position);
            }
        }
        if (withPatterns) {
            for (float[][][] layer : patterns) {
                for (float[][] head : layer) {
                    for (float[] row : head) {
                        putFloats(out, row);
                    }
                }
            }
        }
        for (byte[] piece : text) {
            out.putInt(piece.length).put(piece);
        }
        return out.array();
    }

    /** A {@code rejects} record: the reason and the first {@value #EXCERPT_CHARS} characters of the tokens. */
    public static byte[] reject(String source, Long docId, String reason, List<String> pieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces.size() && text.length() < EXCERPT_CHARS; i++) {
            text.append(pieces.get(i));
        }
        String excerpt = text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) : text.toString();
        byte[][] strings = utf8(List.of(source, reason, excerpt));
        ByteBuffer out = ByteBuffer.allocate(
                1 + 1 + Long.BYTES + 3 * Integer.BYTES + strings[0].length + strings[1].length + strings[2].length);
        out.put(REJECT).put((byte) (docId == null ? 0 : 1)).putLong(docId == null ? 0 : docId);
        for (byte[] s : strings) {
            out.putInt(s.length).put(s);
        }
        return out.array();
    }

    /** A partial {@code head_token_mass} sum. */
    public static byte[] mass(int layer, int head, int tokenId, String token, double mass) {
        byte[] piece = token.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 * Integer.BYTES + Double.BYTES + piece.length)
                .put(MASS)
                .putInt(layer)
                .putInt(head)
                .putInt(tokenId)
                .putDouble(mass)
                .putInt(piece.length)
                .put(piece)
                .array();
    }

    /** Spark's view of {@link #rows}: the rows of {@code table} in each record. */
    public static FlatMapFunction<byte[], InternalRow> rowsOf(String table) {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not an extract table: " + table);
        }
        return record -> {
            List<InternalRow> rows = new ArrayList<>();
            rows(table, record, rows::add);
            return rows.iterator();
        };
    }

    /**
     * Hands {@code out} the rows of {@code table} ({@link #TABLES}) that {@code record} holds, in
     * {@link Schemas}' column order, as Spark's internal rows.
     */
    public static void rows(String table, byte[] record, Consumer<InternalRow> out) {
        ByteBuffer in = ByteBuffer.wrap(record);
        byte kind = in.get();
        switch (kind) {
            case REJECT -> {
                if (table.equals(Schemas.REJECTS)) {
                    boolean hasDocId = in.get() == 1;
                    long docId = in.getLong();
                    out.accept(row(string(in), hasDocId ? docId : null, string(in), string(in)));
                }
            }
            case MASS -> {
                if (table.equals(Schemas.HEAD_TOKEN_MASS)) {
                    int layer = in.getInt();
                    int head = in.getInt();
                    int tokenId = in.getInt();
                    double mass = in.getDouble();
                    out.accept(row(layer, head, tokenId, string(in), mass));
                }
            }
            case SAMPLE -> new SampleView(in).rows(table, out);
            default -> throw new IllegalArgumentException("not an extract record (kind " + kind + ")");
        }
    }

    /** Offsets of a sample record's sections; reads only what the table asks for. */
    private static final class SampleView {

        private final ByteBuffer in;
        private final long sampleId;
        private final int t;
        private final int nLayer;
        private final int nHead;
        private final int k;
        private final boolean gradients;
        private final boolean patterns;
        private final int ids;
        private final int stats;
        private final int headGrad;
        private final int loss;
        private final int gradNorm;
        private final int gradX;
        private final int residNorm;
        private final int mlpIds;
        private final int mlpValues;
        private final int patternData;
        private final int pieces;

        SampleView(ByteBuffer in) {
            this.in = in;
            sampleId = in.getLong();
            t = in.getInt();
            nLayer = in.getInt();
            nHead = in.getInt();
            k = in.getInt();
            byte flags = in.get();
            gradients = (flags & GRADIENTS) != 0 && t >= 2;
            patterns = (flags & PATTERNS) != 0;
            ids = HEADER;
            stats = ids + Integer.BYTES * t;
            headGrad = stats + (t >= 2 ? Double.BYTES * STATS * nLayer * nHead : 0);
            loss = headGrad + (gradients ? Float.BYTES * nLayer * nHead : 0);
            gradNorm = loss + Float.BYTES * Math.max(t - 1, 0);
            gradX = gradNorm + (gradients ? Float.BYTES * t : 0);
            residNorm = gradX + (gradients ? Float.BYTES * t : 0);
            mlpIds = residNorm + Float.BYTES * nLayer * t;
            mlpValues = mlpIds + Integer.BYTES * nLayer * t * k;
            patternData = mlpValues + Float.BYTES * nLayer * t * k;
            pieces = patternData + (patterns ? Float.BYTES * nLayer * nHead * triangle(t) : 0);
        }

        void rows(String table, Consumer<InternalRow> out) {
            switch (table) {
                case Schemas.HEAD_STATS -> headStats(out);
                case Schemas.ATTENTION -> attention(out);
                case Schemas.TOKEN_STATS -> tokenStats(out);
                case Schemas.ACTIVATIONS -> activations(out);
                default -> {} // rejects and head_token_mass have records of their own
            }
        }

        private void headStats(Consumer<InternalRow> out) {
            if (t < 2) {
                return; // SPEC §4: no head_stats row without a query to average over
            }
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    int cell = l * nHead + h;
                    int base = stats + Double.BYTES * STATS * cell;
                    Double grad = gradients ? (double) in.getFloat(headGrad + Float.BYTES * cell) : null;
                    out.accept(row(
                            sampleId,
                            l,
                            h,
                            t - 1,
                            in.getDouble(base),
                            in.getDouble(base + 8),
                            in.getDouble(base + 16),
                            in.getDouble(base + 24),
                            in.getDouble(base + 32),
                            in.getDouble(base + 40),
                            grad));
                }
            }
        }

        private void attention(Consumer<InternalRow> out) {
            if (!patterns) {
                return;
            }
            int at = patternData;
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    ArrayData[] pattern = new ArrayData[t];
                    for (int q = 0; q < t; q++) {
                        pattern[q] = UnsafeArrayData.fromPrimitiveArray(floats(at, q + 1));
                        at += Float.BYTES * (q + 1);
                    }
                    out.accept(row(sampleId, l, h, new GenericArrayData(pattern)));
                }
            }
        }

        private void tokenStats(Consumer<InternalRow> out) {
            in.position(pieces);
            for (int p = 0; p < t; p++) {
                UTF8String piece = string(in);
                Double lossAt = p < t - 1 ? (double) in.getFloat(loss + Float.BYTES * p) : null;
                Double norm = gradients ? (double) in.getFloat(gradNorm + Float.BYTES * p) : null;
                Double gradXInput = gradients ? (double) in.getFloat(gradX + Float.BYTES * p) : null;
                out.accept(row(sampleId, p, in.getInt(ids + Integer.BYTES * p), piece, lossAt, norm, gradXInput));
            }
        }

        private void activations(Consumer<InternalRow> out) {
            for (int l = 0; l < nLayer; l++) {
                for (int p = 0; p < t; p++) {
                    int cell = l * t + p;
                    int[] topIds = new int[k];
                    for (int j = 0; j < k; j++) {
                        topIds[j] = in.getInt(mlpIds + Integer.BYTES * (cell * k + j));
                    }
                    out.accept(row(
                            sampleId,
                            l,
                            p,
                            (double) in.getFloat(residNorm + Float.BYTES * cell),
                            UnsafeArrayData.fromPrimitiveArray(topIds),
                            UnsafeArrayData.fromPrimitiveArray(floats(mlpValues + Float.BYTES * cell * k, k))));
                }
            }
        }

        private float[] floats(int offset, int n) {
            float[] values = new float[n];
            in.slice(offset, Float.BYTES * n).asFloatBuffer().get(values);
            return values;
        }
    }

    private static int triangle(int t) {
        return t * (t + 1) / 2;
    }

    private static void putFloats(ByteBuffer out, float[] values) {
        out.asFloatBuffer().put(values);
        out.position(out.position() + Float.BYTES * values.length);
    }

    private static byte[][] utf8(List<String> strings) {
        byte[][] bytes = new byte[strings.size()][];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    private static InternalRow row(Object... values) {
        return new GenericInternalRow(values);
    }

    /** The next length-prefixed UTF-8 string, copied out of the record. */
    private static UTF8String string(ByteBuffer in) {
        int length = in.getInt();
        byte[] bytes = new byte[length];
        in.get(bytes);
        return UTF8String.fromBytes(bytes);
    }
}
