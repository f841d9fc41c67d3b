/**
 * The self-contained HTML report ({@code report}, {@code inspect --out}): a small data model of
 * what the page shows — {@link io.headwise.report.ModelSummary}, one {@link
 * io.headwise.report.TextView} per text, the corpus-level {@link io.headwise.report.CorpusView},
 * the {@link io.headwise.report.EmbeddingView} and an optional {@link
 * io.headwise.report.TrainingCurve} — and {@link io.headwise.report.HtmlReport}, which writes it
 * as one HTML file with the data as one JSON blob and inline CSS/JS that draw it. Nothing here
 * touches Spark or the network; the jobs fill these records.
 *
 * <p>The explanation views and the 3-D views live beside the rest: a text's {@link
 * io.headwise.report.TextExplanation} (rollout, gradient-weighted rollout, value-weighted patterns,
 * logit lens), the {@link io.headwise.report.ModelArchitecture} the 3-D view draws, their JSON
 * ({@code ExplainJson}) and their scripts {@code explain.js} and {@code view3d.js}, inlined after
 * {@code report.js} and drawing with the helpers it exposes as {@code window.headwise}.
 *
 * <p>Only head-level and per-text data go into a report, never per-sample corpus rows, so the
 * page stays small however large the corpus.
 */
package io.headwise.report;
