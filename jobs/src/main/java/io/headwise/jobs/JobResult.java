package io.headwise.jobs;

import java.util.List;

/**
 * What every job's result record says: the tables it wrote, in the order the CLI prints them. Each
 * job's {@code Result} adds the numbers that job prints.
 */
public interface JobResult {

    /** Every table written, with its directory and rows (empty for jobs that write none). */
    List<WrittenTable> tables();

    /**
     * The rows written to {@code table}.
     *
     * @throws IllegalArgumentException when the job wrote no such table
     */
    default long rows(String table) {
        return table(table).rows();
    }

    /**
     * The table named {@code table}.
     *
     * @throws IllegalArgumentException when the job wrote no such table
     */
    default WrittenTable table(String table) {
        return tables().stream()
                .filter(t -> t.table().equals(table))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no table " + table + " was written; written: "
                        + tables().stream().map(WrittenTable::table).toList()));
    }
}
