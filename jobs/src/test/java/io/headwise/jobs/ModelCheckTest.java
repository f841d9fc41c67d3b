package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelCheckTest {

    @Test
    void localDirectoriesCompareAbsoluteAndNormalised() {
        String absolute = Path.of("runs/demo/model").toAbsolutePath().toString();
        assertThat(ModelCheck.normalize("runs/demo/./model")).isEqualTo(absolute);
        assertThat(ModelCheck.normalize("file://" + absolute)).isEqualTo(absolute);
        assertThat(ModelCheck.normalize("file:" + absolute + "/")).isEqualTo(absolute);
        assertThat(ModelCheck.normalize("hdfs://nn:8020/models/names")).isEqualTo("hdfs://nn:8020/models/names");
    }

    @Test
    void configsCompareAsJson() {
        assertThat(ModelCheck.sameConfig("{\"a\": 1, \"b\": [2]}", "{\"b\":[2],\"a\":1}"))
                .isTrue();
        assertThat(ModelCheck.sameConfig("{\"a\": 1}", "{\"a\": 2}")).isFalse();
        assertThat(ModelCheck.sameConfig(null, "{}")).isFalse();
    }
}
