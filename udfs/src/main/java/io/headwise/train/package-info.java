/**
 * Training a {@link io.headwise.model.Gpt} from scratch on an in-memory corpus: the run's
 * hyper-parameters ({@link io.headwise.train.TrainConfig}, learning-rate schedule included), the
 * {@link io.headwise.train.AdamW} optimiser on DJL arrays, the deterministic held-out split ({@link
 * io.headwise.train.HeldOut}) and the loop itself ({@link io.headwise.train.GptTrainer}). Nothing
 * here knows Spark; the {@code train} job collects the {@code tokens} table and calls in.
 *
 * <p>Dimension letters as in {@link io.headwise.model}: {@code B} batch, {@code T} positions,
 * {@code V} vocabulary.
 */
package io.headwise.train;
