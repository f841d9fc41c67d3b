/**
 * The self-contained HTML report ({@code report}, {@code inspect --out}): a small data model of
 * what the page shows — {@link io.headwise.report.ModelSummary}, one {@link
 * io.headwise.report.TextView} per text, the corpus-level {@link io.headwise.report.CorpusView},
 * the {@link io.headwise.report.EmbeddingView} and an optional {@link
 * io.headwise.report.TrainingCurve} — and {@link io.headwise.report.HtmlReport}, which writes it
 * as one HTML file with the data as one JSON blob and inline CSS/JS that draw it. Nothing here
 * touches Spark or the network; the jobs fill these records.
 *
 * <p>Only head-level and per-text data go into a report, never per-sample corpus rows, so the
 * page stays small however large the corpus.
 */
package io.headwise.report;
