/**
 * Corpus plumbing that needs no Spark: cutting a document's tokens into samples ({@link
 * io.headwise.corpus.Windows}), strict UTF-8 decoding of raw lines ({@link
 * io.headwise.corpus.Utf8Text}), paragraphs ({@link io.headwise.corpus.Paragraphs}), reject
 * excerpts and the check for a truncated {@code .bz2} ({@link io.headwise.corpus.Bz2Tail}). The
 * Spark side that uses them lives in {@code io.headwise.spark} and the jobs.
 */
package io.headwise.corpus;
