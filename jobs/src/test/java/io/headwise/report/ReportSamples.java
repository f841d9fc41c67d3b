package io.headwise.report;

import io.headwise.model.GptConfig;
import java.util.List;

/** Hand-made report data for tests that need no model: sizes and values chosen by hand. */
public final class ReportSamples {

    private ReportSamples() {}

    /** Tokens that would run script if a report ever put them on the page as markup. */
    public static final String[] HOSTILE_TOKENS = {
        "<script>window.__pwned=1</script>",
        "\"><img src=x onerror=window.__pwned=2>",
        "</script><script>window.__pwned=3</script>",
        "<!--",
        "&lt;b&gt;\u2028x",
    };

    /** A title that closes the title element and the script element if not escaped. */
    public static final String HOSTILE_TITLE = "</title></script><img src=x onerror=window.__pwned=4>";

    /**
     * A two-layer, two-head text view over {@code tokens}: head (l, h) puts weight {@code 1}
     * on key {@code (q − l − h)} clamped at 0, so every pattern is known exactly.
     */
    public static TextView textView(String text, String[] tokens) {
        int t = tokens.length;
        float[][][][] patterns = new float[2][2][t][];
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                for (int q = 0; q < t; q++) {
                    patterns[l][h][q] = new float[q + 1];
                    patterns[l][h][q][Math.max(0, q - l - h)] = 1f;
                }
            }
        }
        float[] gradNorm = new float[t];
        float[] gradXInput = new float[t];
        float[][] resid = new float[2][t];
        for (int i = 0; i < t; i++) {
            gradNorm[i] = 0.1f * (i + 1);
            gradXInput[i] = (i % 2 == 0 ? 1 : -1) * 0.05f * (i + 1);
            resid[0][i] = 1 + i;
            resid[1][i] = 2 + i;
        }
        int[][][] top = new int[2][2][];
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                top[l][h] = io.headwise.metrics.ReceivedMass.topKeys(patterns[l][h], TextView.TOP_ATTENDED_DEFAULT);
            }
        }
        return new TextView(text, tokens, patterns, gradNorm, gradXInput, resid, top, 1.25, tokens[0], 0.5f);
    }

    /** A corpus part over the same 2 × 2 heads, with {@code tokens} as top tokens. */
    public static CorpusView corpus(String tablesDir, String[] tokens) {
        List<CorpusView.TopToken> top =
                List.of(new CorpusView.TopToken(tokens[0], 0.6), new CorpusView.TopToken(tokens[1], 0.4));
        List<CorpusView.HeadSummary> summary = new java.util.ArrayList<>();
        List<CorpusView.Probe> probes = new java.util.ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                Double[] stats = new Double[CorpusView.SUMMARY_STATISTICS.size()];
                for (int i = 0; i < stats.length; i++) {
                    stats[i] = 0.1 * i + 0.01 * (2 * l + h);
                }
                summary.add(new CorpusView.HeadSummary(l, h, 100, stats, l, top));
                probes.add(new CorpusView.Probe(l, h, 0.1 * l, 0.2 * h, 0.3, 10, 5));
            }
        }
        CorpusView.HeadMap map = new CorpusView.HeadMap(
                new int[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}},
                new double[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}},
                new int[] {0, 0, 1, 1});
        return new CorpusView(tablesDir, summary, probes, map);
    }

    /** Everything, with hostile strings wherever corpus text can appear. */
    public static ReportData hostile() {
        String[] tokens = HOSTILE_TOKENS;
        ModelSummary model = ModelSummary.of(HOSTILE_TITLE, GptConfig.of(5, 8, 4, 2, 2), false);
        EmbeddingView embedding = new EmbeddingView(
                tokens.clone(), new double[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0.5, 0.5}}, new double[] {0.6, 0.3});
        TrainingCurve curve = new TrainingCurve(List.of(
                new TrainingCurve.Point(0, 3.3, 3.3, 1e-3, 0),
                new TrainingCurve.Point(100, 2.5, Double.NaN, 1e-3, 10)));
        return new ReportData(
                HOSTILE_TITLE,
                model,
                List.of(textView(HOSTILE_TITLE, tokens)),
                corpus(HOSTILE_TITLE, tokens),
                embedding,
                curve);
    }

    /**
     * GPT-2 small's shape: 12 layers × 12 heads, a {@code t}-token text with uniform causal
     * attention, and all 50,257 token embeddings on a spiral; no corpus tables.
     */
    public static ReportData gpt2Sized(int t) {
        int layers = 12;
        int heads = 12;
        String[] tokens = new String[t];
        for (int i = 0; i < t; i++) {
            tokens[i] = "tok" + i;
        }
        float[][][][] patterns = new float[layers][heads][t][];
        int[][][] top = new int[layers][heads][];
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < t; q++) {
                    patterns[l][h][q] = new float[q + 1];
                    java.util.Arrays.fill(patterns[l][h][q], 1f / (q + 1));
                }
                top[l][h] = io.headwise.metrics.ReceivedMass.topKeys(patterns[l][h], TextView.TOP_ATTENDED_DEFAULT);
            }
        }
        float[] ones = new float[t];
        java.util.Arrays.fill(ones, 1f);
        float[][] resid = new float[layers][t];
        TextView text = new TextView("gpt2-sized", tokens, patterns, ones, ones, resid, top, 3.0, "x", 0.1f);
        int v = 50257;
        String[] labels = new String[v];
        double[][] xy = new double[v][];
        for (int i = 0; i < v; i++) {
            labels[i] = "t" + i;
            double angle = i * 0.01;
            xy[i] = new double[] {Math.cos(angle) * i / v, Math.sin(angle) * i / v};
        }
        GptConfig config = GptConfig.of(v, 1024, 768, layers, heads);
        return new ReportData(
                "gpt2-sized",
                ModelSummary.of("gpt2", config, false),
                List.of(text),
                null,
                new EmbeddingView(labels, xy, new double[] {0.1, 0.05}),
                null);
    }

    /** The text of {@link #withAblation}: four tokens, three predictions. */
    public static final String[] ABLATION_TOKENS = {".", "a", "b", "."};

    /**
     * The 2 × 2 hand-made report with the interventions part. {@code head_ablation}: for head
     * {@code i = 2l + h}, zero ablation {@code delta_loss = 0.1·(i + 1)}, {@code grad_proxy =
     * 0.01·(i + 1)}, {@code delta_mean} 0.1, 0.3, 0.2, 0.4 (ranks 1, 3, 2, 4 against 1, 2, 3, 4:
     * Spearman ρ = 1 − 6·2/(4·15) = 0.8); mean ablation {@code delta_loss = 0.1·i − 0.05}; one
     * merge and one joint intervention. The text's removal: base losses 1, 2, 3; without head 1.0
     * 1.5, 2, 2.5 (Δ per position 0.5, 0, −0.5, Δ 0); without head 0.1 each loss + 0.25; else
     * each loss + 0.1·i.
     */
    public static ReportData withAblation() {
        ReportData plain = new ReportData(
                "ablation",
                ModelSummary.of("m", GptConfig.of(5, 8, 4, 2, 2), true),
                List.of(textView(".ab.", ABLATION_TOKENS)),
                corpus("run", ABLATION_TOKENS),
                null,
                null);
        double[] deltaMean = {0.1, 0.3, 0.2, 0.4};
        List<AblationView.HeadAblation> rows = new java.util.ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                int i = 2 * l + h;
                rows.add(new AblationView.HeadAblation(
                        "zero " + l + "." + h,
                        "zero",
                        l,
                        h,
                        null,
                        50,
                        2.0,
                        0.1 * (i + 1),
                        deltaMean[i],
                        deltaMean[i] - 0.05,
                        deltaMean[i] + 0.05,
                        0.5,
                        0.01 * (i + 1)));
                rows.add(new AblationView.HeadAblation(
                        "mean " + l + "." + h,
                        "mean",
                        l,
                        h,
                        null,
                        50,
                        2.0,
                        0.1 * i - 0.05,
                        0.1 * i - 0.05,
                        null,
                        null,
                        0.25,
                        null));
            }
        }
        rows.add(new AblationView.HeadAblation(
                "merge 1.0+1@0.5", "merge", 1, 0, 1, 50, 2.0, 0.125, 0.125, 0.1, 0.15, 0.75, null));
        rows.add(new AblationView.HeadAblation(
                "zero 0.0 & zero 1.1", "joint", null, null, null, 50, 2.0, 0.5, 0.5, 0.4, 0.6, 1.0, null));
        float[] base = {1f, 2f, 3f};
        float[][][] heads = new float[2][2][];
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                float add = 0.1f * (2 * l + h);
                heads[l][h] = new float[] {1f + add, 2f + add, 3f + add};
            }
        }
        heads[1][0] = new float[] {1.5f, 2f, 2.5f};
        heads[0][1] = new float[] {1.25f, 2.25f, 3.25f};
        AblationView ablation = new AblationView(rows, List.of(new AblationView.TextRemoval(base, heads)));
        return new ReportData(plain.title(), plain.model(), plain.texts(), plain.corpus(), null, null, ablation);
    }
}
