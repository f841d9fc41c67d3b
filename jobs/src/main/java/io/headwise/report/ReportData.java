package io.headwise.report;

import java.util.List;

/**
 * Everything one report shows.
 *
 * @param title the page title
 * @param model the model summary
 * @param texts one view per text, in the order given
 * @param corpus the corpus-level part, or null for a single-text report ({@code inspect --out})
 * @param embedding the token embedding projection, or null
 * @param curve the training curve, or null when the model directory has none
 * @param ablation the interventions part (SPEC §5), or null when the report has none
 */
public record ReportData(
        String title,
        ModelSummary model,
        List<TextView> texts,
        CorpusView corpus,
        EmbeddingView embedding,
        TrainingCurve curve,
        AblationView ablation) {

    public ReportData {
        texts = List.copyOf(texts);
    }

    /** A report without the interventions part. */
    public ReportData(
            String title,
            ModelSummary model,
            List<TextView> texts,
            CorpusView corpus,
            EmbeddingView embedding,
            TrainingCurve curve) {
        this(title, model, texts, corpus, embedding, curve, null);
    }
}
