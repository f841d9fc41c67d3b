package io.headwise.jobs;

/**
 * One table a job wrote, as its result reports it and as {@code run_manifest} records it.
 *
 * @param table the table's name ({@code head_stats}, …)
 * @param path the table's directory
 * @param rows the rows written
 */
public record WrittenTable(String table, String path, long rows) {}
