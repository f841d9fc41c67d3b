package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.ExtractRecords;
import org.junit.jupiter.api.Test;

class ExtractJobTest {

    @Test
    void writesEveryTableOfTheCombinedRowsOnce() {
        assertThat(ExtractJob.WRITE_ORDER)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(ExtractRecords.TABLES);
    }
}
