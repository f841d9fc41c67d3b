package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.metrics.HeadClustering;
import io.headwise.metrics.Projection;
import io.headwise.report.AblationView;
import io.headwise.report.CorpusView;
import io.headwise.report.HtmlReport;
import io.headwise.report.ReportData;
import io.headwise.report.TrainingCurve;
import io.headwise.spark.Schemas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code report}: one self-contained HTML file (see {@link HtmlReport}) with the model summary,
 * every {@code --text} through the model, the corpus-level tables of {@code --tables}
 * ({@code head_summary}, {@code head_probes}, {@code head_distances}, {@code layer_summary},
 * {@code head_ablation}; each optional) with "remove one head" per text, the token
 * embedding projection and the training curve. Only head-level rows are read from the tables, so
 * the page stays small for any corpus.
 */
public final class ReportJob {

    /** The text a names model's report shows when no text is given. */
    public static final String NAMES_TEXT_DEFAULT = ReportModel.NAMES_TEXT_DEFAULT;

    /**
     * Options of {@code report}, checked when built.
     *
     * @param tables run directory with head_summary, head_probes, head_distances (missing ones are
     *     shown as not computed); {@code --tables}
     * @param model model directory; {@code --model}
     * @param out the {@code .html} file to write (replaced if it exists); {@code --out}
     * @param texts texts to show through the model (empty: {@value #NAMES_TEXT_DEFAULT}
     *     for names models); {@code --text}, repeatable
     */
    public record Options(String tables, Path model, Path out, List<String> texts) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(tables, "--tables");
            OptionChecks.required(model, "--model");
            OptionChecks.required(out, "--out");
            texts = List.copyOf(texts == null ? List.of() : texts);
            if (!out.getFileName().toString().endsWith(".html")) {
                throw new BadInputException("--out must name an .html file, got '%s'", out);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code tables}, {@code model} and {@code out}; no texts unless added. */
        public static final class Builder {
            private String tables;
            private Path model;
            private Path out;
            private final List<String> texts = new ArrayList<>();

            private Builder() {}

            public Builder tables(String tables) {
                this.tables = tables;
                return this;
            }

            public Builder model(Path model) {
                this.model = model;
                return this;
            }

            public Builder out(Path out) {
                this.out = out;
                return this;
            }

            /** Adds texts to show through the model. */
            public Builder texts(List<String> texts) {
                this.texts.addAll(texts);
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(tables, model, out, texts);
            }
        }
    }

    /**
     * What {@code report} wrote.
     *
     * @param report the HTML file
     * @param bytes its size
     * @param texts the texts shown through the model
     * @param summaryHeads head_summary rows read, or 0 when it is not computed
     * @param probeHeads head_probes rows read, or 0 when it is not computed
     * @param mappedHeads heads placed by MDS from head_distances, or 0 when it is not computed
     * @param curvePoints rows of the model's curve.csv, or 0 without one
     */
    public record Result(
            Path report,
            long bytes,
            List<String> texts,
            int summaryHeads,
            int probeHeads,
            int mappedHeads,
            int curvePoints)
            implements JobResult {

        /** {@code report} writes no table. */
        @Override
        public List<WrittenTable> tables() {
            return List.of();
        }
    }

    private final Options options;

    public ReportJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Writes the report using {@code spark} to read the tables; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "report", options));
    }

    /** Writes the report as the CLI does, printing what it read and wrote to {@code context}. */
    public Result run(JobContext context) {
        if (!Tables.exists(context.spark(), options.tables())) {
            throw new BadInputException("--tables %s: no such directory", options.tables());
        }
        context.describe("report on " + options.tables());
        ReportModel model = ReportModel.load(options.model(), options.texts());
        CorpusView corpus = corpus(context.spark(), options.tables());
        TrainingCurve curve = TrainingCurve.read(options.model()).orElse(null);
        AblationView ablation = new AblationView(ablations(context.spark(), options.tables()), model.removals());
        ReportData data = new ReportData(
                "Headwise report: "
                        + options.model().toAbsolutePath().normalize().getFileName(),
                model.summary(),
                model.texts(),
                corpus,
                model.embedding(),
                curve,
                ablation);
        long bytes = HtmlReport.write(data, options.out());
        context.print(
                "texts          %,12d  %s",
                model.texts().size(),
                String.join(" | ", model.texts().stream().map(t -> t.text()).toList()));
        context.print(
                "head_summary   %,12d rows  %s",
                corpus.summary() == null ? 0 : corpus.summary().size(),
                corpus.summary() == null ? "not computed" : "read");
        context.print(
                "head_probes    %,12d rows  %s",
                corpus.probes() == null ? 0 : corpus.probes().size(),
                corpus.probes() == null ? "not computed" : "read");
        context.print(
                "head_distances %,12d heads %s",
                corpus.headMap() == null ? 0 : corpus.headMap().heads().length,
                corpus.headMap() == null ? "not computed" : "placed by MDS");
        context.print(
                "layer_summary  %,12d rows  %s",
                corpus.layerSummary() == null ? 0 : corpus.layerSummary().size(),
                corpus.layerSummary() == null ? "not computed" : "read");
        context.print(
                "head_ablation  %,12d rows  %s",
                ablation.corpus() == null ? 0 : ablation.corpus().size(),
                ablation.corpus() == null ? "not computed" : "read");
        context.print(
                "curve.csv      %,12d rows  %s",
                curve == null ? 0 : curve.points().size(), curve == null ? "none in the model directory" : "read");
        context.print(
                "report written: %s (%,d bytes)", options.out().toAbsolutePath().normalize(), bytes);
        return new Result(
                options.out(),
                bytes,
                model.texts().stream().map(t -> t.text()).toList(),
                corpus.summary() == null ? 0 : corpus.summary().size(),
                corpus.probes() == null ? 0 : corpus.probes().size(),
                corpus.headMap() == null ? 0 : corpus.headMap().heads().length,
                curve == null ? 0 : curve.points().size());
    }

    /** The corpus part from whichever of the three tables are complete under {@code runDir}. */
    static CorpusView corpus(SparkSession spark, String runDir) {
        List<Row> summaryRows = collect(Tables.readIfPresent(spark, runDir, Schemas.HEAD_SUMMARY), "layer", "head");
        List<Row> probeRows = collect(Tables.readIfPresent(spark, runDir, Schemas.HEAD_PROBES), "layer", "head");
        List<Row> distanceRows =
                collect(Tables.readIfPresent(spark, runDir, Schemas.HEAD_DISTANCES), "layer_a", "head_a");
        List<CorpusView.HeadSummary> summary = summaryRows == null
                ? null
                : summaryRows.stream().map(ReportJob::headSummary).toList();
        List<CorpusView.Probe> probes = probeRows == null
                ? null
                : probeRows.stream().map(ReportJob::probe).toList();
        CorpusView.HeadMap map = distanceRows == null || distanceRows.isEmpty() ? null : headMap(distanceRows, summary);
        return new CorpusView(runDir, summary, probes, map, layerSummary(spark, runDir));
    }

    /** {@code layer_summary} in layer order, or null when it is not computed. */
    static List<CorpusView.LayerSummary> layerSummary(SparkSession spark, String runDir) {
        Dataset<Row> table = Tables.readIfPresent(spark, runDir, Schemas.LAYER_SUMMARY);
        if (table == null) {
            return null;
        }
        return table.orderBy("layer").collectAsList().stream()
                .map(r -> new CorpusView.LayerSummary(
                        r.getInt(r.fieldIndex("layer")),
                        r.getLong(r.fieldIndex("n_predictions")),
                        r.getDouble(r.fieldIndex("target_prob")),
                        r.getDouble(r.fieldIndex("top1")),
                        r.getDouble(r.fieldIndex("target_rank"))))
                .toList();
    }

    /** {@code head_ablation}'s rows by kind, layer, head and text, or null when it is not complete. */
    static List<AblationView.HeadAblation> ablations(SparkSession spark, String runDir) {
        Dataset<Row> table = Tables.readIfPresent(spark, runDir, Schemas.HEAD_ABLATION);
        if (table == null) {
            return null;
        }
        return table.orderBy("kind", "layer", "head", "intervention").collectAsList().stream()
                .map(r -> new AblationView.HeadAblation(
                        r.getString(r.fieldIndex("intervention")),
                        r.getString(r.fieldIndex("kind")),
                        nullableInt(r, "layer"),
                        nullableInt(r, "head"),
                        nullableInt(r, "head2"),
                        r.getLong(r.fieldIndex("n_samples")),
                        r.getDouble(r.fieldIndex("base_loss")),
                        r.getDouble(r.fieldIndex("delta_loss")),
                        r.getDouble(r.fieldIndex("delta_mean")),
                        nullableDouble(r, "delta_ci_low"),
                        nullableDouble(r, "delta_ci_high"),
                        r.getDouble(r.fieldIndex("frac_hurt")),
                        nullableDouble(r, "grad_proxy")))
                .toList();
    }

    private static Integer nullableInt(Row row, String column) {
        int i = row.fieldIndex(column);
        return row.isNullAt(i) ? null : row.getInt(i);
    }

    private static Double nullableDouble(Row row, String column) {
        int i = row.fieldIndex(column);
        return row.isNullAt(i) ? null : row.getDouble(i);
    }

    private static List<Row> collect(Dataset<Row> table, String first, String second) {
        return table == null ? null : table.orderBy(first, second).collectAsList();
    }

    private static CorpusView.HeadSummary headSummary(Row row) {
        Double[] statistics = new Double[CorpusView.SUMMARY_STATISTICS.size()];
        for (int i = 0; i < statistics.length; i++) {
            int index = row.fieldIndex(CorpusView.SUMMARY_STATISTICS.get(i));
            statistics[i] = row.isNullAt(index) ? null : row.getDouble(index);
        }
        int clusterIndex = row.fieldIndex("cluster");
        List<CorpusView.TopToken> top = new ArrayList<>();
        int topIndex = row.fieldIndex("top_tokens");
        if (!row.isNullAt(topIndex)) {
            for (Row t : row.<Row>getList(topIndex)) {
                top.add(new CorpusView.TopToken(t.isNullAt(0) ? null : t.getString(0), t.getDouble(1)));
            }
        }
        return new CorpusView.HeadSummary(
                row.getInt(row.fieldIndex("layer")),
                row.getInt(row.fieldIndex("head")),
                row.getLong(row.fieldIndex("n_samples")),
                statistics,
                row.isNullAt(clusterIndex) ? null : row.getInt(clusterIndex),
                top);
    }

    private static CorpusView.Probe probe(Row row) {
        return new CorpusView.Probe(
                row.getInt(row.fieldIndex("layer")),
                row.getInt(row.fieldIndex("head")),
                row.getDouble(row.fieldIndex("induction")),
                row.getDouble(row.fieldIndex("duplicate")),
                row.getDouble(row.fieldIndex("prev_token")),
                row.getInt(row.fieldIndex("n_sequences")),
                row.getInt(row.fieldIndex("half_length")));
    }

    /**
     * Heads in the plane by classical MDS of the JS distance matrix; clusters from {@code
     * head_summary} when it has them, else average-linkage clustering of the same matrix.
     */
    static CorpusView.HeadMap headMap(List<Row> distances, List<CorpusView.HeadSummary> summary) {
        TreeMap<Long, Integer> index = new TreeMap<>();
        for (Row r : distances) {
            index.put(key(r.getInt(0), r.getInt(1)), 0);
            index.put(key(r.getInt(2), r.getInt(3)), 0);
        }
        int n = 0;
        for (Map.Entry<Long, Integer> e : index.entrySet()) {
            e.setValue(n++);
        }
        double[][] matrix = new double[n][n];
        for (Row r : distances) {
            int a = index.get(key(r.getInt(0), r.getInt(1)));
            int b = index.get(key(r.getInt(2), r.getInt(3)));
            matrix[a][b] = r.getDouble(4);
            matrix[b][a] = r.getDouble(4);
        }
        int[][] heads = new int[n][];
        for (Map.Entry<Long, Integer> e : index.entrySet()) {
            heads[e.getValue()] = new int[] {(int) (e.getKey() >> 32), (int) (long) e.getKey()};
        }
        double[][] coordinates;
        int[] clusters;
        try {
            coordinates = Projection.mds(matrix);
            clusters = clusters(heads, matrix, summary);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("head_distances: %s", e.getMessage());
        }
        return new CorpusView.HeadMap(heads, coordinates, clusters);
    }

    private static int[] clusters(int[][] heads, double[][] matrix, List<CorpusView.HeadSummary> summary) {
        Map<Long, Integer> known = new HashMap<>();
        if (summary != null) {
            summary.stream()
                    .filter(s -> s.cluster() != null)
                    .forEach(s -> known.put(key(s.layer(), s.head()), s.cluster()));
        }
        int[] clusters = new int[heads.length];
        boolean complete = true;
        for (int i = 0; i < heads.length; i++) {
            Integer c = known.get(key(heads[i][0], heads[i][1]));
            complete &= c != null;
            clusters[i] = c == null ? -1 : c;
        }
        return complete ? clusters : HeadClustering.cluster(matrix, HeadClustering.defaultClusterCount(heads.length));
    }

    private static long key(int layer, int head) {
        return ((long) layer << 32) | (head & 0xffffffffL);
    }
}
