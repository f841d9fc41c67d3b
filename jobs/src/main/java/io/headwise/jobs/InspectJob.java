package io.headwise.jobs;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.headwise.BadInputException;
import io.headwise.explain.Rollout;
import io.headwise.explain.ValueWeighting;
import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.metrics.ReceivedMass;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import io.headwise.model.SampleResult;
import io.headwise.report.HtmlReport;
import io.headwise.report.JsonArrays;
import io.headwise.report.ModelSummary;
import io.headwise.report.ReportData;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code inspect}: one text through one model, no corpus and no Spark. Prints the tokens, the
 * predicted next token, and per head the SPEC §4 statistics and the most attended tokens; {@code
 * --format json} prints everything, patterns included, as one JSON document. {@code --explain}
 * adds SPEC §6's explanations ({@link ExplanationView}).
 */
public final class InspectJob {

    /** How many attended keys {@code inspect} lists per head. */
    static final int TOP_ATTENDED = 3;

    /** Default of {@code --format}. */
    public static final String FORMAT_DEFAULT = "table";

    /** Default of {@code --explain-top}. */
    public static final int EXPLAIN_TOP_DEFAULT = 3;

    /**
     * Options of {@code inspect}, checked when built.
     *
     * @param model model directory (config.json, model.safetensors, tokenizer.json); {@code --model}
     * @param text the text; for a char-level model a name, with or without its {@code .}
     *     delimiters; {@code --text}
     * @param format {@code table|json}, how the CLI prints; {@code --format}
     * @param out also write the text's part of the HTML report to this {@code .html} file, or null;
     *     {@code --out}
     * @param intervene interventions to run the text under too (SPEC §5 text, e.g. {@code zero 1.2});
     *     {@code --intervene}, repeatable
     * @param explain also explain the text's predictions (SPEC §6); {@code --explain}
     * @param explainTop how many keys the table lists per prediction and method; {@code
     *     --explain-top}
     */
    public record Options(
            Path model, String text, String format, Path out, List<String> intervene, boolean explain, int explainTop) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(model, "--model");
            OptionChecks.required(text, "--text");
            OptionChecks.required(format, "--format");
            if (!format.equals("table") && !format.equals("json")) {
                throw new BadInputException("--format must be table or json, got '%s'", format);
            }
            if (out != null && !out.getFileName().toString().endsWith(".html")) {
                throw new BadInputException("--out must name an .html file, got '%s'", out);
            }
            intervene = intervene == null ? List.of() : List.copyOf(intervene);
            if (explainTop < 1) {
                throw new BadInputException("--explain-top must be at least 1, got %d", explainTop);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code model} and {@code text}; the rest has defaults. */
        public static final class Builder {
            private Path model;
            private String text;
            private String format = FORMAT_DEFAULT;
            private Path out;
            private List<String> intervene = List.of();
            private boolean explain;
            private Integer explainTop;

            private Builder() {}

            public Builder explain(boolean explain) {
                this.explain = explain;
                return this;
            }

            /** Unset: {@link #EXPLAIN_TOP_DEFAULT}; set, it needs {@link #explain(boolean) explain}. */
            public Builder explainTop(Integer explainTop) {
                this.explainTop = explainTop;
                return this;
            }

            public Builder intervene(List<String> intervene) {
                this.intervene = intervene;
                return this;
            }

            public Builder model(Path model) {
                this.model = model;
                return this;
            }

            public Builder text(String text) {
                this.text = text;
                return this;
            }

            public Builder format(String format) {
                this.format = format;
                return this;
            }

            public Builder out(Path out) {
                this.out = out;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                if (explainTop != null && !explain) {
                    throw new BadInputException("--explain-top needs --explain");
                }
                return new Options(
                        model,
                        text,
                        format,
                        out,
                        intervene,
                        explain,
                        explainTop == null ? EXPLAIN_TOP_DEFAULT : explainTop);
            }
        }
    }

    /**
     * What {@code inspect} computed.
     *
     * @param analysis every per-sample number of the text (patterns, losses, gradients, …)
     * @param tokens the decoded piece of each token
     * @param nextToken the predicted next token
     * @param explained what {@code explain} adds to {@code analysis}'s explanation, or null without
     *     it
     * @param json the document {@code --format json} prints
     * @param report the HTML file written, or null without {@code out}
     */
    public record Result(
            SampleResult analysis, List<String> tokens, String nextToken, Explained explained, String json, Path report)
            implements JobResult {

        /** {@code inspect} writes no table. */
        @Override
        public List<WrittenTable> tables() {
            return List.of();
        }
    }

    /**
     * What {@code --explain} computes beside the {@link io.headwise.model.Explanation} of the
     * analysis (which holds {@code grad_rollout}, the logit lens and the value norms).
     *
     * @param rollout {@code [T][q+1]}, SPEC §6 {@code rollout}
     * @param valueWeighted {@code [L][H][T][q+1]}, SPEC §6 {@code value_weighted}
     * @param predictionGradXInput {@code [T−1][q+1]}: {@code (∂ℓ_q/∂e_k)·e_k}, {@code ℓ_q = −ln
     *     p(x_{q+1} | x_{≤q})}; its mean over the predictions is SPEC §4's {@code grad_x_input}
     */
    public record Explained(float[][] rollout, float[][][][] valueWeighted, float[][] predictionGradXInput) {

        static Explained of(SampleResult result, float[][] predictionGradXInput) {
            float[][][][] patterns = result.patterns();
            float[][][][] weighted = new float[patterns.length][][][];
            for (int l = 0; l < patterns.length; l++) {
                weighted[l] = new float[patterns[l].length][][];
                for (int h = 0; h < patterns[l].length; h++) {
                    weighted[l][h] = ValueWeighting.of(
                            patterns[l][h], result.explanation().valueNorms()[l][h]);
                }
            }
            return new Explained(Rollout.of(patterns), weighted, predictionGradXInput);
        }
    }

    private final Options options;

    public InspectJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the text through the model; needs no Spark, prints nothing. */
    public Result run() {
        return run(JobContext.forApi(null, "inspect", options));
    }

    /** Runs the text through the model as the CLI does, printing to {@code context}. */
    public Result run(JobContext context) {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Weights first: a missing directory or a refused pickle is named before the tokenizer.
            GptWeights weights = Checkpoint.read(options.model(), manager);
            try (TextTokenizer tokenizer = Tokenizers.load(options.model())) {
                return inspect(context, options, manager, weights, tokenizer);
            }
        }
    }

    private static void writeReport(
            JobContext context, Options options, TextTokenizer tokenizer, GptConfig config, SampleResult result) {
        ReportData data = new ReportData(
                "Headwise inspect: " + options.text(),
                ModelSummary.of(options.model().toString(), config, tokenizer.isCharLevel()),
                List.of(ReportModel.view(tokenizer, options.text(), result)),
                null,
                null,
                null);
        long bytes = HtmlReport.write(data, options.out());
        context.print(
                "report written: %s (%,d bytes)", options.out().toAbsolutePath().normalize(), bytes);
    }

    private static Result inspect(
            JobContext context, Options options, NDManager manager, GptWeights weights, TextTokenizer tokenizer) {
        GptConfig config = weights.config();
        int[] ids = encode(tokenizer, options.text(), config);
        Analyzer analyzer = new Analyzer(new Gpt(weights), manager, 0, true);
        SampleResult result = analyzer.analyze(List.of(ids), new boolean[] {options.explain()})
                .get(0);
        Explained explained = options.explain() ? Explained.of(result, analyzer.predictionGradXInput(ids)) : null;
        String[] pieces = tokenizer.pieces(ids);
        String next = tokenizer.pieces(new int[] {result.nextTokenId()})[0];
        List<Intervention> interventions = new java.util.ArrayList<>();
        interventions.add(Intervention.none());
        for (String spec : options.intervene()) {
            Intervention parsed = Intervention.parse(spec, config);
            if (interventions.stream().noneMatch(i -> i.text().equals(parsed.text()))) {
                interventions.add(parsed);
            }
        }
        List<InterventionPass.Outcome> outcomes = List.of();
        if (interventions.size() > 1) {
            InterventionPass pass = new InterventionPass(new Gpt(weights), manager, interventions.size());
            float[][][] zMean = interventions.stream().anyMatch(Intervention::needsMean)
                    ? pass.zSum(List.of(ids)).mean()
                    : null;
            outcomes = pass.outcomes(ids, interventions, zMean);
        }
        JsonObject document = json(result, pieces, next, options.model(), config);
        if (!outcomes.isEmpty()) {
            document.add("interventions", InterventionView.json(tokenizer, interventions, outcomes));
        }
        if (explained != null) {
            ExplanationView.addJson(document, tokenizer, result, explained);
        }
        String json = new GsonBuilder()
                .disableHtmlEscaping()
                .serializeNulls()
                .create()
                .toJson(document);
        if (options.format().equals("json")) {
            context.print(json);
        } else {
            printTable(context, result, pieces, next, options.model(), config);
            if (!outcomes.isEmpty()) {
                InterventionView.print(context, tokenizer, pieces, interventions, outcomes);
            }
            if (explained != null) {
                ExplanationView.print(context, tokenizer, pieces, result, explained, options.explainTop());
            }
        }
        if (options.out() != null) {
            writeReport(context, options, tokenizer, config, result);
        }
        return new Result(result, List.of(pieces), next, explained, json, options.out());
    }

    static int[] encode(TextTokenizer tokenizer, String text, GptConfig config) {
        int[] ids;
        try {
            ids = tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--text: %s", e.getMessage());
        }
        String problem = config.sampleProblem(ids);
        if (problem != null) {
            throw new BadInputException(
                    "--text: %s%s",
                    problem,
                    ids.length > 0 && ids.length <= config.nPositions()
                            ? ": tokenizer.json does not belong to this model"
                            : "");
        }
        return ids;
    }

    /** Key positions receiving the most attention mass over queries 1..T-1, best first. */
    static List<Integer> topAttended(float[][] pattern, int k) {
        return java.util.Arrays.stream(ReceivedMass.topKeys(pattern, k)).boxed().toList();
    }

    private static JsonObject json(SampleResult r, String[] pieces, String next, Path model, GptConfig config) {
        JsonObject json = new JsonObject();
        json.addProperty("model", model.toString());
        json.add("tokens", JsonArrays.strings(pieces));
        JsonArray ids = new JsonArray();
        for (int id : r.tokenIds()) {
            ids.add(id);
        }
        json.add("token_ids", ids);
        json.add("patterns", ExplanationView.heads(r.patterns()));
        JsonArray loss = floats(r.loss());
        loss.add(JsonNull.INSTANCE);
        json.add("loss", loss);
        json.add("mean_loss", r.length() > 1 ? new com.google.gson.JsonPrimitive(r.meanLoss()) : JsonNull.INSTANCE);
        json.add("grad_norm", r.gradNorm() == null ? JsonNull.INSTANCE : floats(r.gradNorm()));
        json.add("grad_x_input", r.gradXInput() == null ? JsonNull.INSTANCE : floats(r.gradXInput()));
        JsonArray headStats = new JsonArray();
        JsonArray topAttended = new JsonArray();
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                Optional<HeadStats> stats = HeadMetrics.headStats(r.patterns()[l][h]);
                if (stats.isEmpty()) {
                    continue;
                }
                HeadStats s = stats.get();
                JsonObject row = new JsonObject();
                row.addProperty("layer", l);
                row.addProperty("head", h);
                row.addProperty("n_queries", s.nQueries());
                row.addProperty("entropy", s.entropy());
                row.addProperty("distance", s.distance());
                row.addProperty("prev_token", s.prevToken());
                row.addProperty("first_token", s.firstToken());
                row.addProperty("self", s.self());
                row.addProperty("max_weight", s.maxWeight());
                row.addProperty("head_grad", r.headGrad()[l][h]);
                headStats.add(row);
                JsonObject top = new JsonObject();
                top.addProperty("layer", l);
                top.addProperty("head", h);
                JsonArray positions = new JsonArray();
                topAttended(r.patterns()[l][h], TOP_ATTENDED).forEach(positions::add);
                top.add("positions", positions);
                topAttended.add(top);
            }
        }
        json.add("head_stats", headStats);
        json.add("top_attended", topAttended);
        json.add("resid_norm", ExplanationView.rows(r.residNorm()));
        json.addProperty("next_token", next);
        json.addProperty("next_token_id", r.nextTokenId());
        json.addProperty("next_token_prob", r.nextTokenProb());
        return json;
    }

    private static void printTable(
            JobContext context, SampleResult r, String[] pieces, String next, Path model, GptConfig config) {
        context.print(
                "model   %s  (%d layers x %d heads, d_model %d, vocab %d, %,d parameters)",
                model, config.nLayer(), config.nHead(), config.nEmbd(), config.vocabSize(), config.parameterCount());
        StringBuilder tokens = new StringBuilder();
        for (int i = 0; i < pieces.length; i++) {
            tokens.append(i == 0 ? "" : " ").append(printable(pieces[i]));
        }
        context.print("tokens  %s  (%d)", tokens, pieces.length);
        if (r.length() > 1) {
            context.print("loss    %.4f nats per token (mean next-token cross-entropy)", r.meanLoss());
        }
        context.print("next    %s  p=%.4f", printable(next), r.nextTokenProb());
        if (r.length() < 2) {
            context.print("(one token: no queries to average, no head statistics)");
            return;
        }
        context.print("");
        context.print(
                "%5s %4s %8s %8s %10s %11s %7s %10s %10s  %s",
                "layer",
                "head",
                "entropy",
                "distance",
                "prev_token",
                "first_token",
                "self",
                "max_weight",
                "head_grad",
                "top attended (token@position)");
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                HeadStats s = HeadMetrics.headStats(r.patterns()[l][h]).orElseThrow();
                StringBuilder top = new StringBuilder();
                for (int key : topAttended(r.patterns()[l][h], TOP_ATTENDED)) {
                    top.append(top.length() == 0 ? "" : " ")
                            .append(printable(pieces[key]))
                            .append('@')
                            .append(key);
                }
                context.print(
                        "%5d %4d %8.4f %8.4f %10.4f %11.4f %7.4f %10.4f %10.5f  %s",
                        l,
                        h,
                        s.entropy(),
                        s.distance(),
                        s.prevToken(),
                        s.firstToken(),
                        s.self(),
                        s.maxWeight(),
                        r.headGrad()[l][h],
                        top);
            }
        }
    }

    /** A piece as the user should see it in a terminal: quoted when it has blanks or controls. */
    static String printable(String piece) {
        boolean plain = !piece.isEmpty()
                && piece.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
        if (plain) {
            return piece;
        }
        return "'" + piece.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }

    static JsonArray floats(float[] values) {
        JsonArray array = new JsonArray();
        for (float v : values) {
            array.add(v);
        }
        return array;
    }
}
