package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.ExtractTables;
import io.headwise.spark.Schemas;
import org.junit.jupiter.api.Test;

class ExtractJobTest {

    @Test
    void writesEveryDeclaredTableOnceWithItsSchema() {
        assertThat(ExtractJob.TABLES)
                .doesNotHaveDuplicates()
                .containsExactly(
                        Schemas.HEAD_STATS,
                        Schemas.TOKEN_STATS,
                        Schemas.ACTIVATIONS,
                        Schemas.ATTENTION,
                        Schemas.ATTRIBUTIONS,
                        Schemas.LOGIT_LENS,
                        Schemas.HEAD_TOKEN_MASS,
                        Schemas.HEAD_DISTANCES,
                        Schemas.REJECTS);
        ExtractTables.ALL.forEach(table ->
                assertThat(Schemas.ALL.get(table.name())).as(table.name()).isEqualTo(table.schema()));
        assertThat(ExtractJob.TABLES)
                .allSatisfy(table -> assertThat(Schemas.ALL).containsKey(table));
    }
}
