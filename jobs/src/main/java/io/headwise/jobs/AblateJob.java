package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.metrics.RankCorrelation;
import io.headwise.model.AblationSums;
import io.headwise.model.GptConfig;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import io.headwise.spark.AblatePartition;
import io.headwise.spark.AblationTables;
import io.headwise.spark.PatternSelection;
import io.headwise.spark.Schemas;
import io.headwise.spark.ShippedModel;
import io.headwise.spark.TaskTableFiles;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code ablate}: interventions (SPEC §5) over the samples of a {@code tokens} table → {@code
 * head_ablation} (one row per intervention), {@code ablation_deltas} with {@code --per-sample},
 * and {@code rejects} for the samples it cannot use. Each batch of samples runs with all
 * interventions as one forward pass ({@link io.headwise.model.InterventionPass}); mean ablation
 * first computes {@code z̄} in a pass of its own over the same samples.
 *
 * <p>Prints the single-head zero ablations ranked by {@code delta_loss} and Spearman's ρ between
 * {@code grad_proxy} and {@code delta_mean} over them, and records both in {@code run_manifest}.
 * Tables are staged and moved into place together ({@link RunStaging}).
 */
public final class AblateJob {

    /** Default of {@code --batch-size}. */
    public static final int BATCH_SIZE_DEFAULT = 16;
    /** Default of {@code --samples}. */
    public static final String SAMPLES_DEFAULT = "all";
    /** Heads printed by the ranking. */
    static final int RANKED = 10;

    /**
     * Options of {@code ablate}, checked when built.
     *
     * @param model model directory (any Hadoop URI); {@code --model}
     * @param tokens run directory holding the tokens table, or the table itself; {@code --tokens}
     * @param out run directory to write the tables into; {@code --out}
     * @param sweep {@code zero} or {@code mean}: every single-head ablation of that kind, or null;
     *     {@code --sweep}
     * @param intervene more interventions (SPEC §5 text); {@code --intervene}, repeatable
     * @param samples {@code all|FRACTION|ids:1,2,3}; {@code --samples}
     * @param perSample also write {@code ablation_deltas}; {@code --per-sample}
     * @param batchSize samples per model pass, each under every intervention; {@code --batch-size}
     * @param overwrite replace existing output tables; {@code --overwrite}
     */
    public record Options(
            String model,
            String tokens,
            String out,
            String sweep,
            List<String> intervene,
            String samples,
            boolean perSample,
            int batchSize,
            boolean overwrite) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(model, "--model");
            OptionChecks.required(tokens, "--tokens");
            OptionChecks.required(out, "--out");
            intervene = intervene == null ? List.of() : List.copyOf(intervene);
            samples = samples == null ? SAMPLES_DEFAULT : samples;
            checkOptions(sweep, intervene, samples, batchSize);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code model}, {@code tokens}, {@code out} and a sweep or interventions; the rest has defaults. */
        public static final class Builder {
            private String model;
            private String tokens;
            private String out;
            private String sweep;
            private List<String> intervene = List.of();
            private String samples = SAMPLES_DEFAULT;
            private boolean perSample;
            private int batchSize = BATCH_SIZE_DEFAULT;
            private boolean overwrite;

            private Builder() {}

            public Builder model(String model) {
                this.model = model;
                return this;
            }

            public Builder tokens(String tokens) {
                this.tokens = tokens;
                return this;
            }

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            public Builder sweep(String sweep) {
                this.sweep = sweep;
                return this;
            }

            public Builder intervene(List<String> intervene) {
                this.intervene = intervene;
                return this;
            }

            public Builder samples(String samples) {
                this.samples = samples;
                return this;
            }

            public Builder perSample(boolean perSample) {
                this.perSample = perSample;
                return this;
            }

            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(model, tokens, out, sweep, intervene, samples, perSample, batchSize, overwrite);
            }
        }
    }

    /**
     * What {@code ablate} wrote.
     *
     * @param tables every table written, with its directory and rows
     * @param spearman Spearman's ρ between {@code grad_proxy} and {@code delta_mean} over the
     *     single-head zero ablations (NaN when undefined or without them)
     */
    public record Result(List<WrittenTable> tables, double spearman) implements JobResult {}

    private final Options options;

    public AblateJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "ablate", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        SparkSession spark = context.spark();
        PatternSelection selection =
                checkOptions(options.sweep(), options.intervene(), options.samples(), options.batchSize());
        context.describe("ablate: check the model and the tokens");
        ModelStaging.Staged model = ModelStaging.stage(spark, options.model());
        List<Intervention> interventions = interventions(options, model.config());
        for (Intervention intervention : interventions) {
            intervention.note().ifPresent(note -> context.print("ablate: %s", note));
        }
        String tokensDir = Tables.tokensRunDir(spark, options.tokens());
        Dataset<Row> tokens = Tables.read(spark, tokensDir, Schemas.TOKENS, "tokenize");
        TokenizerCheck.verify(spark, tokensDir, options.model(), model.tokenizerSha256());
        List<String> outputs = new ArrayList<>(List.of(AblationTables.HEAD_ABLATION));
        if (options.perSample()) {
            outputs.add(AblationTables.ABLATION_DELTAS);
        }
        for (String table : outputs) {
            Tables.checkWritable(spark, options.out(), table, options.overwrite());
        }
        ShippedModel shipped = ModelStaging.ship(spark, model);
        Dataset<Row> input = tokens.select(
                AblatePartition.INPUT_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
        float[][][] zMean = null;
        if (interventions.stream().anyMatch(Intervention::needsMean)) {
            context.describe("ablate: z̄ over the samples");
            List<InterventionPass.ZSum> sums = input.javaRDD()
                    .mapPartitions(AblatePartition.zSums(shipped, selection, options.batchSize()))
                    .collect();
            zMean = sums.stream()
                    .reduce(InterventionPass.ZSum::plus)
                    .map(InterventionPass.ZSum::mean)
                    .orElse(null);
        }
        List<String> texts = interventions.stream().map(Intervention::text).toList();
        context.describe("ablate: " + texts.size() + " interventions through " + options.model());
        Map<String, Long> counts = new LinkedHashMap<>();
        try (RunStaging staging = RunStaging.create(context, options.out(), outputs, options.overwrite())) {
            String dir = staging.dir();
            List<AblatePartition.Output> outputsOfTasks = input.javaRDD()
                    .mapPartitions(new AblatePartition(
                            shipped, texts, selection, options.batchSize(), zMean, options.perSample(), dir))
                    .collect();
            AblationSums sums = new AblationSums(texts.size());
            List<TaskTableFiles.Written> written = new ArrayList<>();
            for (AblatePartition.Output output : outputsOfTasks) {
                sums.merge(output.sums());
                written.add(output.files());
            }
            List<String> taskTables = new ArrayList<>(List.of(AblationTables.REJECT_ROWS));
            if (options.perSample()) {
                taskTables.add(AblationTables.ABLATION_DELTAS);
            }
            Map<String, Long> taskRows = TaskFilesCommit.commit(spark, dir, written, taskTables);
            List<Row> summary = summary(sums, interventions);
            if (summary.isEmpty()) {
                throw new BadInputException(
                        "--samples %s selects no usable sample of %s",
                        options.samples(), Tables.path(tokensDir, Schemas.TOKENS));
            }
            counts.put(
                    AblationTables.HEAD_ABLATION,
                    Tables.write(
                            spark.createDataFrame(summary, AblationTables.HEAD_ABLATION_SCHEMA),
                            dir,
                            AblationTables.HEAD_ABLATION));
            if (options.perSample()) {
                counts.put(AblationTables.ABLATION_DELTAS, taskRows.get(AblationTables.ABLATION_DELTAS));
            }
            counts.put(
                    Schemas.REJECTS,
                    Tables.writeRejects(spark, dir, AblationTables.REJECT_ROWS, options.out(), AblationTables.JOB));
            List<String> committed = new ArrayList<>(outputs);
            committed.add(Schemas.REJECTS);
            staging.commit(committed);
            // run_manifest is appended while the run directory is still locked, as every job does.
            return report(context, options, model, tokensDir, selection, summary, counts);
        }
    }

    private static Result report(
            JobContext context,
            Options options,
            ModelStaging.Staged model,
            String tokensDir,
            PatternSelection selection,
            List<Row> summary,
            Map<String, Long> counts) {
        List<Row> zeros = summary.stream()
                .filter(r -> r.getString(1).equals("zero"))
                .sorted(Comparator.comparingDouble((Row r) -> r.getDouble(10)).reversed())
                .toList();
        double rho = RankCorrelation.spearman(
                zeros.stream().mapToDouble(r -> r.getDouble(17)).toArray(),
                zeros.stream().mapToDouble(r -> r.getDouble(11)).toArray());
        long samples = summary.get(0).getLong(6);
        context.print("ablate: %,d samples, %d interventions", samples, summary.size());
        List<String> ranking = new ArrayList<>();
        for (int i = 0; i < zeros.size(); i++) {
            Row r = zeros.get(i);
            String line = String.format(
                    Locale.ROOT,
                    "%d. head %d.%d: delta_loss %+.4f, delta_mean %+.4f [%+.4f, %+.4f], grad_proxy %+.4f",
                    i + 1,
                    r.getInt(2),
                    r.getInt(3),
                    r.getDouble(10),
                    r.getDouble(11),
                    r.isNullAt(13) ? Double.NaN : r.getDouble(13),
                    r.isNullAt(14) ? Double.NaN : r.getDouble(14),
                    r.getDouble(17));
            ranking.add(line);
            if (i < RANKED) {
                context.print("  %s", line);
            }
        }
        if (!zeros.isEmpty()) {
            context.print(
                    "ablate: Spearman ρ(grad_proxy, delta_mean) over %d single-head zero ablations = %s",
                    zeros.size(), Double.isNaN(rho) ? "undefined" : String.format(Locale.ROOT, "%.3f", rho));
        }
        for (Row r : summary) {
            if (!r.getString(1).equals("zero")) {
                context.print(
                        "  %s: delta_loss %+.4f, delta_mean %+.4f", r.getString(0), r.getDouble(10), r.getDouble(11));
            }
        }
        RunManifest manifest = new RunManifest(context)
                .model(options.model(), model.configJson())
                .inputs(List.of(Tables.path(tokensDir, Schemas.TOKENS)))
                .detail(TokenizerCheck.TOKENIZER_SHA256, model.tokenizerSha256())
                .detail("model_fingerprint", model.fingerprint())
                .detail("samples", selection.toString())
                .detail("sweep", options.sweep() == null ? "none" : options.sweep())
                .detail(
                        "interventions",
                        String.join(
                                " | ", summary.stream().map(r -> r.getString(0)).toList()))
                .detail("zero_ranking", String.join("\n", ranking))
                .detail("spearman_grad_proxy_delta_mean", Double.isNaN(rho) ? "NaN" : Double.toString(rho))
                .detail("batch_size", Integer.toString(options.batchSize()));
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            manifest.rows(e.getKey(), Tables.path(options.out(), e.getKey()), e.getValue());
        }
        manifest.append(options.out());
        return new Result(manifest.written(), rho);
    }

    /** One {@code head_ablation} row per intervention that has a sample, in the job's order. */
    private static List<Row> summary(AblationSums sums, List<Intervention> interventions) {
        List<Row> rows = new ArrayList<>(interventions.size());
        for (int k = 0; k < interventions.size(); k++) {
            long n = sums.samples(k);
            if (n == 0) {
                continue;
            }
            Intervention intervention = interventions.get(k);
            double base = sums.baseLoss(k);
            double loss = sums.loss(k);
            double mean = sums.deltaMean(k);
            double deltaStd = sums.deltaStd(k);
            Double std = Double.isNaN(deltaStd) ? null : deltaStd;
            Double halfWidth = std == null ? null : 1.96 * std / Math.sqrt(n);
            Intervention.Edit only =
                    intervention.edits().size() == 1 ? intervention.edits().get(0) : null;
            Integer layer = only == null ? null : only.layer();
            Integer head = null;
            Integer head2 = null;
            Double alpha = null;
            if (only instanceof Intervention.Zero z) {
                head = z.head();
            } else if (only instanceof Intervention.Mean m) {
                head = m.head();
            } else if (only instanceof Intervention.Merge m) {
                head = m.head1();
                head2 = m.head2();
                alpha = m.alpha();
            }
            rows.add(RowFactory.create(
                    intervention.text(),
                    intervention.kind(),
                    layer,
                    head,
                    head2,
                    alpha,
                    n,
                    sums.predictions(k),
                    base,
                    loss,
                    loss - base,
                    mean,
                    std,
                    halfWidth == null ? null : mean - halfWidth,
                    halfWidth == null ? null : mean + halfWidth,
                    sums.fracHurt(k),
                    sums.maxDelta(k),
                    intervention.kind().equals("zero") ? sums.gradProxy(k) : null));
        }
        return rows;
    }

    /** The sweep's interventions, then {@code --intervene}'s, each once (by canonical text). */
    static List<Intervention> interventions(Options options, GptConfig config) {
        Map<String, Intervention> all = new LinkedHashMap<>();
        if (options.sweep() != null) {
            for (int l = 0; l < config.nLayer(); l++) {
                for (int h = 0; h < config.nHead(); h++) {
                    Intervention one = options.sweep().equals("zero")
                            ? Intervention.of(new Intervention.Zero(l, h))
                            : Intervention.of(new Intervention.Mean(l, h));
                    all.put(one.text(), one);
                }
            }
        }
        for (String spec : options.intervene()) {
            Intervention parsed = Intervention.parse(spec, config);
            all.putIfAbsent(parsed.text(), parsed);
        }
        return List.copyOf(all.values());
    }

    private static PatternSelection checkOptions(String sweep, List<String> intervene, String samples, int batchSize) {
        if (sweep != null && !sweep.equals("zero") && !sweep.equals("mean")) {
            throw new BadInputException("--sweep must be zero or mean, got \"%s\"", sweep);
        }
        if (sweep == null && intervene.isEmpty()) {
            throw new BadInputException("ablate needs --sweep zero|mean or at least one --intervene SPEC");
        }
        if (batchSize < 1) {
            throw new BadInputException("--batch-size must be at least 1, got %d", batchSize);
        }
        PatternSelection selection;
        try {
            selection = PatternSelection.parse(samples);
        } catch (BadInputException e) {
            selection = null;
        }
        String text = selection == null ? "" : selection.toString();
        if (selection == null || text.equals("none") || text.equals("0.0") || text.equals("ids:")) {
            throw new BadInputException(
                    "--samples must be all, a fraction in (0, 1] or ids:1,2,3 naming at least one sample; got \"%s\"",
                    samples);
        }
        return selection;
    }
}
