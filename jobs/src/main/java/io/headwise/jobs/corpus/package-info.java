/**
 * Reading corpora for {@code tokenize} and {@code train-tokenizer}: the input files ({@link
 * io.headwise.jobs.corpus.InputFiles}), their documents in each {@code --format} ({@link
 * io.headwise.jobs.corpus.Corpus}: {@link io.headwise.jobs.corpus.LineFiles} for lines and text,
 * {@link io.headwise.jobs.corpus.WikiDumps} for MediaWiki XML) and the tokenizer a run uses
 * ({@link io.headwise.jobs.corpus.TokenizerSource}). Everything is read through Spark and Hadoop's
 * file systems, so any Hadoop URI works.
 */
package io.headwise.jobs.corpus;
