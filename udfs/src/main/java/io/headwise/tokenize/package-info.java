/**
 * Tokenizers: the makemore-style {@link io.headwise.tokenize.CharTokenizer}, GPT-2's byte-level
 * alphabet ({@link io.headwise.tokenize.ByteLevel}), the driver-side merge loop of the
 * byte-level BPE trainer ({@link io.headwise.tokenize.BpeTrainer}, fed by
 * {@link io.headwise.tokenize.PreTokenizer}), writers of Hugging Face {@code tokenizer.json}
 * documents ({@link io.headwise.tokenize.TokenizerJson}, {@link io.headwise.tokenize.Gpt2Vocab})
 * and {@link io.headwise.tokenize.Tokenizers#load}, the one way jobs load a tokenizer.
 *
 * <p>Every tokenizer a job uses is a {@code tokenizer.json} run by DJL's Hugging Face tokenizers
 * binding, so what we train, convert and load here is exactly what a Hugging Face user gets. The
 * Java classes in this package only build those documents and check input that the Rust side
 * would otherwise accept silently (an unknown character in a char-level vocabulary).
 *
 * <p>Nothing here imports Spark; the distributed parts of tokenizing and training live in the
 * {@code spark} package and the jobs.
 */
package io.headwise.tokenize;
