/**
 * One class per job ({@code TokenizeJob}, {@code ExtractJob}, …), the Java API of Headwise: an
 * immutable {@code Options} record built with {@code Options.builder()} (defaults in code, every
 * check in the record's constructor), and {@code new XJob(options).run(spark)}, which validates
 * against the inputs, sets the Spark job description, reads → transforms → writes, records the
 * run in {@code run_manifest} and returns a {@code Result} record of what it wrote ({@link
 * io.headwise.jobs.JobResult}). Nothing here knows the command line. Shared plumbing: {@link
 * io.headwise.jobs.JobContext}, {@link io.headwise.jobs.Tables}, {@link
 * io.headwise.jobs.RunManifest}, {@link io.headwise.jobs.Datasets}.
 */
package io.headwise.jobs;
