/**
 * One class per job ({@code TokenizeJob}, {@code ExtractJob}, …), each with {@code run(SparkSession,
 * Options)}: validate, set the Spark job description, read → transform → write, record the run in
 * {@code run_manifest}. Shared plumbing: {@link io.headwise.jobs.JobContext}, {@link
 * io.headwise.jobs.Tables}, {@link io.headwise.jobs.RunManifest}, {@link io.headwise.jobs.Datasets}.
 */
package io.headwise.jobs;
