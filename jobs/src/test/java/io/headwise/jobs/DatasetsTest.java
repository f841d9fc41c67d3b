package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code datasets/…} inputs and the datasets directory (SPEC §1). */
class DatasetsTest {

    private final Path elsewhere = Path.of("/data/headwise-datasets");

    @Test
    void aDatasetsPathMovesIntoTheDatasetsDirectory() {
        assertThat(Datasets.relocate("datasets/names.txt", elsewhere)).isEqualTo("/data/headwise-datasets/names.txt");
        assertThat(Datasets.relocate("datasets/wiki/enwiki-*.bz2", elsewhere))
                .isEqualTo("/data/headwise-datasets/wiki/enwiki-*.bz2");
    }

    @Test
    void otherPathsStayAsTheyAre() {
        assertThat(Datasets.relocate("names.txt", elsewhere)).isNull();
        assertThat(Datasets.relocate("./datasets/names.txt", elsewhere)).isNull();
        assertThat(Datasets.relocate("/work/datasets/names.txt", elsewhere)).isNull();
        assertThat(Datasets.relocate("hdfs:///datasets/names.txt", elsewhere)).isNull();
        assertThat(Datasets.relocate("datasets/", elsewhere)).isNull();
        assertThat(Datasets.relocate("datasetsX/names.txt", elsewhere)).isNull();
    }

    @Test
    void theWorkingDirectorysOwnDatasetsIsNotLookedUpTwice() {
        Path own = Path.of("datasets").toAbsolutePath();
        assertThat(Datasets.relocate("datasets/names.txt", own)).isNull();
    }
}
