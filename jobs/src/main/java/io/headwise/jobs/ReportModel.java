package io.headwise.jobs;

import ai.djl.ndarray.NDManager;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import io.headwise.model.SampleResult;
import io.headwise.report.AblationView;
import io.headwise.report.EmbeddingView;
import io.headwise.report.ModelSummary;
import io.headwise.report.TextExplanation;
import io.headwise.report.TextView;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model-side part of a report: the summary, one {@link TextView} per text (the same
 * analysis as {@code inspect}, with its explanations: rollout, gradient-weighted rollout,
 * value-weighted patterns, logit lens) and the embedding projection, from one load of the model.
 *
 * @param summary the model summary
 * @param texts one view per text, in order
 * @param embedding PCA of {@code wte}
 * @param removals per text, its losses with each single head zeroed ("remove one head")
 */
record ReportModel(
        ModelSummary summary, List<TextView> texts, EmbeddingView embedding, List<AblationView.TextRemoval> removals) {

    /** The text a report shows when none is given: a name for names models, else a sentence. */
    static final String NAMES_TEXT_DEFAULT = ".muhamadibrahim.";

    static final String PROSE_TEXT_DEFAULT = "The quick brown fox jumps over the lazy dog.";

    /**
     * Loads {@code modelDir} and analyses {@code texts}; an empty list means the default text.
     *
     * @throws io.headwise.BadInputException naming the model directory or the text at fault
     */
    static ReportModel load(Path modelDir, List<String> texts) {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Weights first, as inspect: a missing directory or a refused pickle is named first.
            GptWeights weights = Checkpoint.read(modelDir, manager);
            try (TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
                return analyse(modelDir, texts, manager, weights, tokenizer);
            }
        }
    }

    private static ReportModel analyse(
            Path modelDir, List<String> texts, NDManager manager, GptWeights weights, TextTokenizer tokenizer) {
        GptConfig config = weights.config();
        List<String> chosen = texts == null || texts.isEmpty()
                ? List.of(tokenizer.isCharLevel() ? NAMES_TEXT_DEFAULT : PROSE_TEXT_DEFAULT)
                : texts;
        Gpt gpt = new Gpt(weights);
        Analyzer analyzer = new Analyzer(gpt, manager, 0, true);
        List<TextView> views = new ArrayList<>();
        List<AblationView.TextRemoval> removals = new ArrayList<>();
        for (String text : chosen) {
            int[] ids = InspectJob.encode(tokenizer, text, config);
            SampleResult result =
                    analyzer.analyze(List.of(ids), new boolean[] {true}).get(0);
            views.add(view(tokenizer, text, result)
                    .withExplanation(explanation(tokenizer, result, analyzer.predictionGradXInput(ids))));
            removals.add(removeOneHead(gpt, manager, ids));
        }
        return new ReportModel(
                ModelSummary.of(modelDir.toString(), config, tokenizer.isCharLevel()),
                views,
                embedding(weights, tokenizer),
                removals);
    }

    /**
     * The text's next-token losses under the model and with each head zeroed in turn: {@code L·H +
     * 1} rows of one text through {@link InterventionPass}, as many per forward pass as {@link
     * InterventionPass#PATTERN_BUDGET} allows.
     */
    static AblationView.TextRemoval removeOneHead(Gpt gpt, NDManager manager, int[] ids) {
        GptConfig config = gpt.config();
        List<Intervention> interventions = new ArrayList<>();
        interventions.add(Intervention.none());
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                interventions.add(Intervention.of(new Intervention.Zero(l, h)));
            }
        }
        int maxRows = InterventionPass.rowsWithinBudget(config, ids.length, interventions.size());
        float[][][] losses = new InterventionPass(gpt, manager, maxRows).tokenLosses(List.of(ids), interventions, null);
        return AblationView.TextRemoval.of(losses, config.nLayer(), config.nHead());
    }

    /** The report's view of one analysed text. */
    static TextView view(TextTokenizer tokenizer, String text, SampleResult result) {
        String next = tokenizer.pieces(new int[] {result.nextTokenId()})[0];
        return TextView.of(text, tokenizer.pieces(result.tokenIds()), result, next);
    }

    /** The text's explanations (SPEC §6), the logit lens's top ids decoded. */
    static TextExplanation explanation(TextTokenizer tokenizer, SampleResult result, float[][] gradXByPrediction) {
        int[][] topIds = result.explanation().lensTopId();
        String[][] top = new String[topIds.length][];
        for (int l = 0; l < topIds.length; l++) {
            top[l] = pieces(tokenizer, topIds[l]);
        }
        return TextExplanation.of(result.patterns(), result.explanation(), top, gradXByPrediction);
    }

    /** Each id's piece; ids the tokenizer does not know (a padded vocabulary) as {@code <id>}. */
    private static String[] pieces(TextTokenizer tokenizer, int[] ids) {
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i] < tokenizer.vocabSize() ? tokenizer.pieces(new int[] {ids[i]})[0] : "<" + ids[i] + ">";
        }
        return out;
    }

    private static EmbeddingView embedding(GptWeights weights, TextTokenizer tokenizer) {
        float[] flat = weights.get("wte.weight").toFloatArray();
        int v = weights.config().vocabSize();
        int c = weights.config().nEmbd();
        float[][] rows = new float[v][c];
        for (int i = 0; i < v; i++) {
            System.arraycopy(flat, i * c, rows[i], 0, c);
        }
        int[] ids = new int[v];
        for (int i = 0; i < v; i++) {
            ids[i] = i;
        }
        // A tokenizer may know fewer ids than the model has rows (padded vocabularies).
        String[] labels = new String[v];
        int known = Math.min(v, tokenizer.vocabSize());
        String[] pieces = tokenizer.pieces(java.util.Arrays.copyOf(ids, known));
        for (int i = 0; i < v; i++) {
            labels[i] = i < known ? pieces[i] : "<" + i + ">";
        }
        return EmbeddingView.of(rows, labels);
    }
}
