package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code summarize}: per-head corpus summaries → {@code head_summary} (one row per layer × head,
 * SPEC §3, §4). Reads {@code head_stats} (required), and when present {@code head_probes} (→
 * induction, duplicate), {@code head_token_mass} (→ top_tokens) and {@code head_distances} (→
 * cluster); a missing optional table leaves its columns NULL. With a {@code logit_lens} table
 * (and its {@code token_stats}) it also writes {@code layer_summary} (SPEC §6).
 */
public final class SummarizeJob {

    /** Jobs whose tables summarize combines; they must have run the same model. */
    static final List<String> MODEL_JOBS = List.of("extract", "probe");

    /**
     * Options of {@code summarize}.
     *
     * @param tables run directory holding head_stats (and head_probes, head_token_mass,
     *     head_distances), where head_summary is written; {@code --tables}
     * @param overwrite replace an existing head_summary table; {@code --overwrite}
     */
    public record Options(String tables, boolean overwrite) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(tables, "--tables");
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code tables}; {@code overwrite} is false unless set. */
        public static final class Builder {
            private String tables;
            private boolean overwrite;

            private Builder() {}

            public Builder tables(String tables) {
                this.tables = tables;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(tables, overwrite);
            }
        }
    }

    /**
     * What {@code summarize} wrote.
     *
     * @param tables {@code head_summary}, its directory and rows
     * @param clusters how many clusters the heads fell into, or null without head distances
     * @param missing the optional input tables that were absent or empty, whose columns are NULL
     *     ({@code head_probes}, {@code head_token_mass}, {@code head_distances})
     */
    public record Result(List<WrittenTable> tables, Integer clusters, List<String> missing) implements JobResult {}

    private final Options options;

    public SummarizeJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "summarize", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        SparkSession spark = context.spark();
        String dir = options.tables();
        if (!Tables.exists(spark, dir)) {
            throw new BadInputException("--tables %s: no such directory", dir);
        }
        Dataset<Row> headStats = Tables.read(spark, dir, Schemas.HEAD_STATS, "extract");
        ModelCheck.requireOneModel(spark, dir, MODEL_JOBS);
        Dataset<Row> probes = Tables.readIfPresent(spark, dir, Schemas.HEAD_PROBES);
        Dataset<Row> tokenMass = Tables.readIfPresent(spark, dir, Schemas.HEAD_TOKEN_MASS);
        Dataset<Row> distanceTable = Tables.readIfPresent(spark, dir, Schemas.HEAD_DISTANCES);
        Dataset<Row> logitLens = Tables.readIfPresent(spark, dir, Schemas.LOGIT_LENS);
        Tables.checkWritable(spark, dir, Schemas.HEAD_SUMMARY, options.overwrite());
        if (logitLens != null) {
            Tables.checkWritable(spark, dir, Schemas.LAYER_SUMMARY, options.overwrite());
        }
        context.describe("summarize " + dir + ": per-head corpus summaries");

        int[] shape = heads(headStats, dir);
        HeadDistances.Result distances = distanceTable == null
                ? null
                : HeadDistances.fromTable(distanceTable, Tables.path(dir, Schemas.HEAD_DISTANCES), shape[0], shape[1]);
        Dataset<Row> summary = HeadSummaries.join(
                HeadSummaries.stats(headStats),
                probes,
                tokenMass == null ? null : HeadSummaries.topTokens(tokenMass),
                distances == null ? null : distances.clusterTable(spark));

        List<String> inputs = inputs(dir, probes, tokenMass, distanceTable);
        if (logitLens != null) {
            inputs.add(Tables.path(dir, Schemas.LOGIT_LENS));
            inputs.add(Tables.path(dir, Schemas.TOKEN_STATS));
        }
        List<String> written = logitLens != null
                ? List.of(Schemas.HEAD_SUMMARY, Schemas.LAYER_SUMMARY)
                : List.of(Schemas.HEAD_SUMMARY);
        try (RunStaging staging = RunStaging.create(context, dir, written, options.overwrite())) {
            long rows = Tables.write(summary, staging.dir(), Schemas.HEAD_SUMMARY);
            long layerRows = 0;
            if (logitLens != null) {
                Dataset<Row> tokenStats = Tables.read(spark, dir, Schemas.TOKEN_STATS, "extract");
                layerRows =
                        Tables.write(LayerSummaries.of(logitLens, tokenStats), staging.dir(), Schemas.LAYER_SUMMARY);
            }
            staging.commit(written);
            RunManifest manifest = new RunManifest(context).inputs(inputs);
            manifest.rows(Schemas.HEAD_SUMMARY, Tables.path(dir, Schemas.HEAD_SUMMARY), rows);
            if (logitLens != null) {
                manifest.rows(Schemas.LAYER_SUMMARY, Tables.path(dir, Schemas.LAYER_SUMMARY), layerRows);
            }
            if (distances != null) {
                manifest.detail("clusters", Integer.toString(distances.clusterCount()));
            }
            manifest.append(dir);
            List<String> missing = printMissing(context, probes, tokenMass, distanceTable, distances, logitLens);
            return new Result(
                    manifest.written(), distances == null ? null : distances.clusterCount(), List.copyOf(missing));
        }
    }

    /**
     * {@code [L, H]} from {@code head_stats}, which must hold every {@code (layer, head)} of an
     * {@code L × H} grid.
     */
    private static int[] heads(Dataset<Row> headStats, String dir) {
        Row shape = headStats
                .agg(min("layer"), max("layer"), min("head"), max("head"), countDistinct(col("layer"), col("head")))
                .first();
        if (shape.isNullAt(0)) {
            throw new BadInputException("%s: head_stats has no rows", Tables.path(dir, Schemas.HEAD_STATS));
        }
        int nLayer = shape.getInt(1) + 1;
        int nHead = shape.getInt(3) + 1;
        if (shape.getInt(0) != 0 || shape.getInt(2) != 0 || shape.getLong(4) != (long) nLayer * nHead) {
            throw new BadInputException(
                    "%s: head_stats covers %d (layer, head) pairs, not the whole %d x %d grid of a model",
                    Tables.path(dir, Schemas.HEAD_STATS), shape.getLong(4), nLayer, nHead);
        }
        return new int[] {nLayer, nHead};
    }

    private static List<String> inputs(
            String dir, Dataset<Row> probes, Dataset<Row> tokenMass, Dataset<Row> distances) {
        List<String> inputs = new ArrayList<>(List.of(Tables.path(dir, Schemas.HEAD_STATS)));
        if (probes != null) {
            inputs.add(Tables.path(dir, Schemas.HEAD_PROBES));
        }
        if (tokenMass != null) {
            inputs.add(Tables.path(dir, Schemas.HEAD_TOKEN_MASS));
        }
        if (distances != null) {
            inputs.add(Tables.path(dir, Schemas.HEAD_DISTANCES));
        }
        return inputs;
    }

    /** Prints what is NULL for want of an input table; returns those tables. */
    private static List<String> printMissing(
            JobContext context,
            Dataset<Row> probes,
            Dataset<Row> tokenMass,
            Dataset<Row> distanceTable,
            HeadDistances.Result distances,
            Dataset<Row> logitLens) {
        List<String> missing = new ArrayList<>();
        if (probes == null) {
            missing.add(Schemas.HEAD_PROBES);
            context.print("no head_probes table: induction and duplicate are NULL (run `headwise probe`)");
        }
        if (tokenMass == null) {
            missing.add(Schemas.HEAD_TOKEN_MASS);
            context.print("no head_token_mass table: top_tokens is NULL (run `headwise extract`)");
        }
        if (logitLens == null) {
            context.print("no logit_lens table: no layer_summary (run `headwise extract --explain`)");
        }
        if (distanceTable == null) {
            missing.add(Schemas.HEAD_DISTANCES);
            context.print("no head_distances table: cluster is NULL (run `headwise extract`)");
        } else if (distances == null) {
            missing.add(Schemas.HEAD_DISTANCES);
            context.print("head_distances has no rows (no analysed sample has two positions): cluster is NULL");
        }
        return missing;
    }
}
