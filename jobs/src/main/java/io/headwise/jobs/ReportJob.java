package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.metrics.HeadClustering;
import io.headwise.metrics.Projection;
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
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * {@code report}: one self-contained HTML file (see {@link HtmlReport}) with the model summary,
 * every {@code --text} through the model, the corpus-level tables of {@code --tables}
 * ({@code head_summary}, {@code head_probes}, {@code head_distances}; each optional), the token
 * embedding projection and the training curve. Only head-level rows are read from the tables, so
 * the page stays small for any corpus.
 */
public final class ReportJob {

    /** Options of {@code report}. */
    public static final class Options {
        @Option(
                names = "--tables",
                required = true,
                paramLabel = "DIR",
                description =
                        "Run directory with head_summary, head_probes, head_distances (missing ones are shown as not computed).")
        public String tables;

        @Option(
                names = "--model",
                required = true,
                paramLabel = "MODEL_DIR",
                description =
                        "Model directory (config.json, model.safetensors, tokenizer.json; curve.csv if trained by headwise).")
        public Path model;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "report.html",
                description = "The HTML file to write (replaced if it exists).")
        public Path out;

        @Option(
                names = "--text",
                paramLabel = "TEXT",
                description = "A text to show through the model; repeatable (default: " + ReportModel.NAMES_TEXT_DEFAULT
                        + " for names models).")
        public List<String> texts = new ArrayList<>();
    }

    private ReportJob() {}

    public static void run(JobContext context, Options options) {
        if (!options.out.getFileName().toString().endsWith(".html")) {
            throw new BadInputException("--out must name an .html file, got '%s'", options.out);
        }
        if (!Tables.exists(context.spark(), options.tables)) {
            throw new BadInputException("--tables %s: no such directory", options.tables);
        }
        context.describe("report on " + options.tables);
        ReportModel model = ReportModel.load(options.model, options.texts);
        CorpusView corpus = corpus(context.spark(), options.tables);
        TrainingCurve curve = TrainingCurve.read(options.model).orElse(null);
        ReportData data = new ReportData(
                "Headwise report: " + options.model.toAbsolutePath().normalize().getFileName(),
                model.summary(),
                model.texts(),
                corpus,
                model.embedding(),
                curve);
        long bytes = HtmlReport.write(data, options.out);
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
                "curve.csv      %,12d rows  %s",
                curve == null ? 0 : curve.points().size(), curve == null ? "none in the model directory" : "read");
        context.print(
                "report written: %s (%,d bytes)", options.out.toAbsolutePath().normalize(), bytes);
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
        return new CorpusView(runDir, summary, probes, map);
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
