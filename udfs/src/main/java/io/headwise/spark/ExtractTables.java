package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import io.headwise.metrics.HeadStats;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The per-sample tables of {@code extract} (SPEC §3, §4, §6), each declared once: its rows and
 * how every column comes from an {@link ExtractedSample}. Adding a per-sample number is its
 * computation (in the model or {@link ExtractedSample}) and one {@code column(…)} line here.
 */
public final class ExtractTables {

    /** The job that writes these tables. */
    public static final String JOB = "extract";

    /** {@code attributions.method}, by index. */
    public static final List<String> METHODS = List.of("rollout", "grad_rollout");

    private static final UTF8String[] METHOD_NAMES =
            METHODS.stream().map(UTF8String::fromString).toArray(UTF8String[]::new);

    /** One row per layer × head, for samples with a query to average over ({@code T ≥ 2}). */
    private static final SampleTable.Grain<ExtractedSample> HEADS = (s, rows) -> {
        if (s.length() >= 2) {
            forEachPair(s.nLayer(), s.nHead(), rows);
        }
    };

    /** One row per layer × head, for the samples {@code --patterns} selects. */
    private static final SampleTable.Grain<ExtractedSample> PATTERNS = (s, rows) -> {
        if (s.withPatterns()) {
            forEachPair(s.nLayer(), s.nHead(), rows);
        }
    };

    /** One row per method ({@link #METHODS}) a sample has, for the samples {@code --explain} selects. */
    private static final SampleTable.Grain<ExtractedSample> METHODS_OF_EXPLAINED = (s, rows) -> {
        if (s.explained()) {
            // grad_rollout has a row per query q = 0..T−2: none for a single token.
            forEachPair(1, s.length() < 2 ? 1 : METHODS.size(), rows);
        }
    };

    /** One row per layer × position, for the samples {@code --explain} selects. */
    private static final SampleTable.Grain<ExtractedSample> LAYER_POSITIONS_OF_EXPLAINED = (s, rows) -> {
        if (s.explained()) {
            forEachPair(s.nLayer(), s.length(), rows);
        }
    };

    /** One row per position. */
    private static final SampleTable.Grain<ExtractedSample> POSITIONS = (s, rows) -> forEachPair(1, s.length(), rows);

    /** One row per layer × position. */
    private static final SampleTable.Grain<ExtractedSample> LAYER_POSITIONS =
            (s, rows) -> forEachPair(s.nLayer(), s.length(), rows);

    public static final SampleTable<ExtractedSample> ATTENTION = SampleTable.builder(Schemas.ATTENTION, JOB, PATTERNS)
            .column("sample_id", LongType, false, (s, l, h) -> s.sampleId())
            .column("layer", IntegerType, false, (s, l, h) -> l)
            .column("head", IntegerType, false, (s, l, h) -> h)
            .column(
                    "pattern",
                    createArrayType(createArrayType(FloatType, false), false),
                    false,
                    (s, l, h) -> rows(s.result().patterns()[l][h]))
            .column(
                    "value_weighted",
                    createArrayType(createArrayType(FloatType, false), false),
                    true,
                    (s, l, h) -> s.valueWeighted() == null ? null : rows(s.valueWeighted()[l][h]))
            .build();

    public static final SampleTable<ExtractedSample> ATTRIBUTIONS = SampleTable.builder(
                    Schemas.ATTRIBUTIONS, JOB, METHODS_OF_EXPLAINED)
            .column("sample_id", LongType, false, (s, zero, m) -> s.sampleId())
            .column("method", StringType, false, (s, zero, m) -> METHOD_NAMES[m])
            .column(
                    "matrix",
                    createArrayType(createArrayType(FloatType, false), false),
                    false,
                    (s, zero, m) ->
                            rows(m == 0 ? s.rollout() : s.result().explanation().gradRollout()))
            .build();

    public static final SampleTable<ExtractedSample> LOGIT_LENS = SampleTable.builder(
                    Schemas.LOGIT_LENS, JOB, LAYER_POSITIONS_OF_EXPLAINED)
            .column("sample_id", LongType, false, (s, l, p) -> s.sampleId())
            .column("layer", IntegerType, false, (s, l, p) -> l)
            .column("position", IntegerType, false, (s, l, p) -> p)
            .column(
                    "top_id",
                    IntegerType,
                    false,
                    (s, l, p) -> s.result().explanation().lensTopId()[l][p])
            .column(
                    "top_token",
                    StringType,
                    true,
                    (s, l, p) -> s.piece(s.result().explanation().lensTopId()[l][p]))
            .column("top_prob", DoubleType, false, (s, l, p) ->
                    (double) s.result().explanation().lensTopProb()[l][p])
            .column(
                    "target_prob",
                    DoubleType,
                    true,
                    (s, l, p) -> p < s.length() - 1
                            ? (double) s.result().explanation().lensTargetProb()[l][p]
                            : null)
            .column(
                    "target_rank",
                    IntegerType,
                    true,
                    (s, l, p) -> p < s.length() - 1
                            ? (Integer) s.result().explanation().lensTargetRank()[l][p]
                            : null)
            .build();

    public static final SampleTable<ExtractedSample> HEAD_STATS = SampleTable.builder(Schemas.HEAD_STATS, JOB, HEADS)
            .column("sample_id", LongType, false, (s, l, h) -> s.sampleId())
            .column("layer", IntegerType, false, (s, l, h) -> l)
            .column("head", IntegerType, false, (s, l, h) -> h)
            .column("n_queries", IntegerType, false, (s, l, h) -> s.length() - 1)
            .column("entropy", DoubleType, false, stat(HeadStats::entropy))
            .column("distance", DoubleType, false, stat(HeadStats::distance))
            .column("prev_token", DoubleType, false, stat(HeadStats::prevToken))
            .column("first_token", DoubleType, false, stat(HeadStats::firstToken))
            .column("self", DoubleType, false, stat(HeadStats::self))
            .column("max_weight", DoubleType, false, stat(HeadStats::maxWeight))
            .column(
                    "head_grad",
                    DoubleType,
                    true,
                    (s, l, h) -> s.result().hasGradients() ? (double) s.result().headGrad()[l][h] : null)
            .column("output_norm", DoubleType, false, (s, l, h) ->
                    (double) s.result().outputNorm()[l][h])
            .build();

    public static final SampleTable<ExtractedSample> TOKEN_STATS = SampleTable.builder(
                    Schemas.TOKEN_STATS, JOB, POSITIONS)
            .column("sample_id", LongType, false, (s, zero, p) -> s.sampleId())
            .column("position", IntegerType, false, (s, zero, p) -> p)
            .column("token_id", IntegerType, false, (s, zero, p) -> s.result().tokenIds()[p])
            .column("token", StringType, false, (s, zero, p) -> s.pieces()[p])
            .column(
                    "loss",
                    DoubleType,
                    true,
                    (s, zero, p) -> p < s.length() - 1 ? (double) s.result().loss()[p] : null)
            .column(
                    "grad_norm",
                    DoubleType,
                    true,
                    (s, zero, p) -> gradient(s, s.result().gradNorm(), p))
            .column(
                    "grad_x_input",
                    DoubleType,
                    true,
                    (s, zero, p) -> gradient(s, s.result().gradXInput(), p))
            .build();

    public static final SampleTable<ExtractedSample> ACTIVATIONS = SampleTable.builder(
                    Schemas.ACTIVATIONS, JOB, LAYER_POSITIONS)
            .column("sample_id", LongType, false, (s, l, p) -> s.sampleId())
            .column("layer", IntegerType, false, (s, l, p) -> l)
            .column("position", IntegerType, false, (s, l, p) -> p)
            .column("resid_norm", DoubleType, false, (s, l, p) ->
                    (double) s.result().residNorm()[l][p])
            .column(
                    "mlp_top_ids",
                    createArrayType(IntegerType, false),
                    false,
                    (s, l, p) -> UnsafeArrayData.fromPrimitiveArray(s.result().mlpTopIds()[l][p]))
            .column(
                    "mlp_top_values",
                    createArrayType(FloatType, false),
                    false,
                    (s, l, p) -> UnsafeArrayData.fromPrimitiveArray(s.result().mlpTopValues()[l][p]))
            .build();

    /**
     * Partial {@code head_token_mass} sums of one task ({@code HEAD_TOKEN_MASS_SCHEMA}), summed per
     * (layer, head, token) by the driver into the table; never published.
     */
    public static final String MASS_PARTIALS = "partial_head_token_mass";

    /**
     * Partial head-distance sums of one task: per head pair {@code index_a < index_b} (heads indexed
     * {@code layer · n_head + head}), the attention rows compared and their Jensen–Shannon
     * divergence sum; summed by the driver into {@code head_distances}; never published.
     */
    public static final String DISTANCE_PARTIALS = "partial_head_distances";

    public static final StructType DISTANCE_PARTIALS_SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("index_a", IntegerType, false),
            DataTypes.createStructField("index_b", IntegerType, false),
            DataTypes.createStructField("n_rows", LongType, false),
            DataTypes.createStructField("divergence_sum", DoubleType, false)));

    /** The samples extract rejects ({@code REJECTS_SCHEMA}), merged by the driver into {@code rejects}. */
    public static final String REJECT_ROWS = "extract_rejects";

    /** Every per-sample table, in the order a task writes them. */
    public static final List<SampleTable<ExtractedSample>> ALL =
            List.of(HEAD_STATS, TOKEN_STATS, ACTIVATIONS, ATTENTION, ATTRIBUTIONS, LOGIT_LENS);

    private ExtractTables() {}

    private static void forEachPair(int n, int m, SampleTable.IndexPairs rows) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                rows.accept(i, j);
            }
        }
    }

    private static SampleTable.Cell<ExtractedSample> stat(ToDoubleFunction<HeadStats> statistic) {
        return (s, l, h) -> statistic.applyAsDouble(s.headStats()[l][h]);
    }

    /** A gradient column: null without gradients ({@code --no-gradients}, or {@code T < 2}). */
    private static Double gradient(ExtractedSample s, float[] values, int p) {
        return values == null ? null : (double) values[p];
    }

    /** A pattern {@code [q][k ≤ q]} as an array of arrays, each row copied once into Spark's form. */
    private static ArrayData rows(float[][] pattern) {
        ArrayData[] rows = new ArrayData[pattern.length];
        for (int q = 0; q < pattern.length; q++) {
            rows[q] = UnsafeArrayData.fromPrimitiveArray(pattern[q]);
        }
        return new GenericArrayData(rows);
    }
}
