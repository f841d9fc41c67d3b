/**
 * Headwise: attention, gradient and activation analysis of GPT-2 models as Spark batch jobs.
 *
 * <p>This module ({@code udfs}) holds everything that runs inside a task. Most of it knows nothing
 * of Spark: {@link io.headwise.model} (the GPT-2 model and its checkpoints), {@link
 * io.headwise.tokenize} (tokenizers and the BPE trainer's merge loop), {@link io.headwise.metrics}
 * (pure functions over attention patterns). Only {@code io.headwise.spark} imports Spark.
 */
package io.headwise;
