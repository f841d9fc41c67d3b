package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every table's schema (SPEC §3), in one place. Table names are the directory names under a run
 * directory; tests check written Parquet against these.
 */
public final class Schemas {

    /**
     * Version of the metric definitions (SPEC §4, §6), recorded in {@code run_manifest}. 2: {@code
     * head_stats.output_norm}; {@code head_distances} over every analysed sample instead of the
     * samples whose patterns were kept.
     */
    public static final String METRICS_VERSION = "2";

    public static final String TOKENS = "tokens";
    public static final String REJECTS = "rejects";
    public static final String ATTENTION = "attention";
    public static final String ATTRIBUTIONS = "attributions";
    public static final String LOGIT_LENS = "logit_lens";
    public static final String HEAD_STATS = "head_stats";
    public static final String TOKEN_STATS = "token_stats";
    public static final String ACTIVATIONS = "activations";
    public static final String HEAD_PROBES = "head_probes";
    public static final String HEAD_SUMMARY = "head_summary";
    public static final String LAYER_SUMMARY = "layer_summary";
    public static final String HEAD_DISTANCES = "head_distances";
    public static final String HEAD_TOKEN_MASS = "head_token_mass";
    public static final String RUN_MANIFEST = "run_manifest";
    public static final String HEAD_ABLATION = AblationTables.HEAD_ABLATION;
    public static final String ABLATION_DELTAS = AblationTables.ABLATION_DELTAS;

    public static final StructType TOKENS_SCHEMA = struct(
            field("sample_id", LongType, false),
            field("source", StringType, false),
            field("doc_id", LongType, false),
            field("title", StringType, true),
            field("chunk", IntegerType, false),
            field("token_ids", createArrayType(IntegerType, false), false),
            field("tokens", createArrayType(StringType, false), false));

    public static final StructType REJECTS_SCHEMA = struct(
            field("source", StringType, false),
            field("doc_id", LongType, true),
            field("reason", StringType, false),
            field("excerpt", StringType, true));

    public static final StructType ATTENTION_SCHEMA = ExtractTables.ATTENTION.schema();

    public static final StructType HEAD_STATS_SCHEMA = ExtractTables.HEAD_STATS.schema();

    public static final StructType TOKEN_STATS_SCHEMA = ExtractTables.TOKEN_STATS.schema();

    public static final StructType ACTIVATIONS_SCHEMA = ExtractTables.ACTIVATIONS.schema();

    public static final StructType ATTRIBUTIONS_SCHEMA = ExtractTables.ATTRIBUTIONS.schema();

    public static final StructType LOGIT_LENS_SCHEMA = ExtractTables.LOGIT_LENS.schema();

    /** {@code head_probes} (written by {@code probe}): one row per layer × head, SPEC §4's probe scores. */
    public static final StructType HEAD_PROBES_SCHEMA = struct(
            field("layer", IntegerType, false),
            field("head", IntegerType, false),
            field("induction", DoubleType, false),
            field("duplicate", DoubleType, false),
            field("prev_token", DoubleType, false),
            field("n_sequences", IntegerType, false),
            field("half_length", IntegerType, false));

    public static final StructType TOP_TOKEN =
            struct(field("token", StringType, true), field("weight", DoubleType, false));

    public static final StructType HEAD_SUMMARY_SCHEMA = struct(
            field("layer", IntegerType, false),
            field("head", IntegerType, false),
            field("n_samples", LongType, false),
            field("n_queries", LongType, false),
            field("entropy", DoubleType, true),
            field("distance", DoubleType, true),
            field("prev_token", DoubleType, true),
            field("first_token", DoubleType, true),
            field("self", DoubleType, true),
            field("max_weight", DoubleType, true),
            field("importance", DoubleType, true),
            field("induction", DoubleType, true),
            field("duplicate", DoubleType, true),
            field("cluster", IntegerType, true),
            field("top_tokens", createArrayType(TOP_TOKEN, false), true),
            field("output_norm", DoubleType, true));

    /**
     * {@code layer_summary} (written by {@code summarize} from {@code logit_lens}): one row per layer
     * over every prediction of the explained samples ({@code t = 0..T−2}): how many, the mean
     * probability of the actual next token, the fraction whose top token is it, the median rank.
     */
    public static final StructType LAYER_SUMMARY_SCHEMA = struct(
            field("layer", IntegerType, false),
            field("n_predictions", LongType, false),
            field("target_prob", DoubleType, false),
            field("top1", DoubleType, false),
            field("target_rank", DoubleType, false));

    public static final StructType HEAD_DISTANCES_SCHEMA = struct(
            field("layer_a", IntegerType, false),
            field("head_a", IntegerType, false),
            field("layer_b", IntegerType, false),
            field("head_b", IntegerType, false),
            field("js", DoubleType, false));

    /**
     * {@code head_token_mass} (written by {@code extract}, read by {@code summarize} for {@code
     * top_tokens}): one row per layer × head × key token id, {@code mass} = Σ over samples, queries
     * {@code q = 1..T-1} and keys {@code k ≤ q} holding that token of {@code A[q][k]}. A head's
     * {@code top_tokens} weight is a row's mass divided by the sum of its head's masses. Tokens
     * with zero mass get no row; {@code token} is the key's piece from the {@code tokens} table.
     */
    public static final StructType HEAD_TOKEN_MASS_SCHEMA = struct(
            field("layer", IntegerType, false),
            field("head", IntegerType, false),
            field("token_id", IntegerType, false),
            field("token", StringType, false),
            field("mass", DoubleType, false));

    public static final StructType RUN_MANIFEST_SCHEMA = struct(
            field("job", StringType, false),
            field("arguments", createArrayType(StringType, false), false),
            field("model_dir", StringType, true),
            field("model_config", StringType, true),
            field("input_paths", createArrayType(StringType, false), false),
            field("code_version", StringType, false),
            field("metrics_version", StringType, false),
            field("started_at", TimestampType, false),
            field("ended_at", TimestampType, false),
            field("row_counts", createMapType(StringType, LongType, false), false),
            field("details", createMapType(StringType, StringType, true), false),
            field("succeeded", BooleanType, false));

    /** Table name → schema, for every table Headwise writes. */
    public static final Map<String, StructType> ALL = Map.ofEntries(
            Map.entry(TOKENS, TOKENS_SCHEMA),
            Map.entry(REJECTS, REJECTS_SCHEMA),
            Map.entry(ATTENTION, ATTENTION_SCHEMA),
            Map.entry(HEAD_STATS, HEAD_STATS_SCHEMA),
            Map.entry(TOKEN_STATS, TOKEN_STATS_SCHEMA),
            Map.entry(ACTIVATIONS, ACTIVATIONS_SCHEMA),
            Map.entry(ATTRIBUTIONS, ATTRIBUTIONS_SCHEMA),
            Map.entry(LOGIT_LENS, LOGIT_LENS_SCHEMA),
            Map.entry(HEAD_PROBES, HEAD_PROBES_SCHEMA),
            Map.entry(HEAD_SUMMARY, HEAD_SUMMARY_SCHEMA),
            Map.entry(LAYER_SUMMARY, LAYER_SUMMARY_SCHEMA),
            Map.entry(HEAD_DISTANCES, HEAD_DISTANCES_SCHEMA),
            Map.entry(HEAD_TOKEN_MASS, HEAD_TOKEN_MASS_SCHEMA),
            Map.entry(HEAD_ABLATION, AblationTables.HEAD_ABLATION_SCHEMA),
            Map.entry(ABLATION_DELTAS, AblationTables.ABLATION_DELTAS_SCHEMA),
            Map.entry(RUN_MANIFEST, RUN_MANIFEST_SCHEMA));

    private Schemas() {}

    private static StructField field(String name, DataType type, boolean nullable) {
        return createStructField(name, type, nullable);
    }

    private static StructType struct(StructField... fields) {
        return createStructType(List.of(fields));
    }
}
