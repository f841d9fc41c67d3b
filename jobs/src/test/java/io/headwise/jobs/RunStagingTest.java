package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the next job does with a staging directory that a killed driver left behind. */
class RunStagingTest {

    @TempDir
    java.nio.file.Path tmp;

    /**
     * Killed after moving table {@code a} and deleting the old {@code b}, before moving the new
     * {@code b}: the next job moves {@code b} and {@code c} into place, so the run directory holds
     * the interrupted run's three tables, none of the older ones.
     */
    @Test
    void aCommitCutShortIsCompleted() throws IOException {
        java.nio.file.Path run = tmp.resolve("run");
        java.nio.file.Path staging = run.resolve(RunStaging.PREFIX + "extract-1765000000000");
        table(run.resolve("a"), "new a");
        table(run.resolve("c"), "old c");
        table(staging.resolve("b"), "new b");
        table(staging.resolve("c"), "new c");
        FileSystem fs = FileSystem.getLocal(new Configuration());
        RunStaging.writeCommitting(fs, new Path(staging.toUri()), List.of("a", "b", "c"));

        List<String> lines = new ArrayList<>();
        RunStaging.removeLeftovers(fs, new Path(run.toUri()), lines::add);

        assertThat(Files.readString(run.resolve("a/part"))).isEqualTo("new a");
        assertThat(Files.readString(run.resolve("b/part"))).isEqualTo("new b");
        assertThat(Files.readString(run.resolve("c/part"))).isEqualTo("new c");
        assertThat(staging).doesNotExist();
        assertThat(lines)
                .containsExactly("completed the interrupted commit of `headwise extract` started 2025-12-06T05:46:40Z:"
                        + " moved its last 2 table(s) into place (its run_manifest row is missing)");
    }

    /** Killed before its commit began: the staging directory goes, the older tables stay. */
    @Test
    void aStagingDirectoryWithoutACommitIsRemoved() throws IOException {
        java.nio.file.Path run = tmp.resolve("run");
        java.nio.file.Path staging = run.resolve(RunStaging.PREFIX + "summarize-1765000000000");
        table(run.resolve("head_summary"), "old");
        table(staging.resolve("head_summary"), "new");
        List<String> lines = new ArrayList<>();
        RunStaging.removeLeftovers(FileSystem.getLocal(new Configuration()), new Path(run.toUri()), lines::add);
        assertThat(Files.readString(run.resolve("head_summary/part"))).isEqualTo("old");
        assertThat(staging).doesNotExist();
        assertThat(lines).singleElement().asString().startsWith("removed ").contains("`headwise summarize`");
    }

    private static void table(java.nio.file.Path dir, String content) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("part"), content);
    }
}
