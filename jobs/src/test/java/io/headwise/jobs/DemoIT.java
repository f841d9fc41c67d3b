package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's orchestration, with stand-ins for the steps whose jobs are tested elsewhere: tokenize
 * and extract write hand-made tables, train copies gpt2-tiny; probe and summarize run for real on
 * them. The real demo on names.txt is timed by hand (README).
 */
class DemoIT {

    private final SparkSession spark = SparkTestSession.get();

    /** Records every step's command line; fakes the slow jobs, runs probe and summarize for real. */
    private final class FakeJobs implements DemoJob.Jobs {
        final List<List<String>> ran = new ArrayList<>();
        final Path dir;
        String failing;

        FakeJobs(Path dir) {
            this.dir = dir;
        }

        @Override
        public JobResult run(DemoJob.Step step, boolean overwrite, JobContext context) throws IOException {
            List<String> args = new ArrayList<>(step.args());
            if (overwrite) {
                args.add("--overwrite");
            }
            ran.add(args);
            String job = step.job();
            if (job.equals(failing)) {
                throw new BadInputException("%s: no such directory", dir.resolve("model"));
            }
            switch (job) {
                case "tokenize" ->
                    spark.createDataFrame(List.of(), Schemas.TOKENS_SCHEMA)
                            .write()
                            .parquet(dir.resolve("tokens").toString());
                case "train" -> {
                    Files.createDirectories(dir.resolve("model"));
                    try (Stream<Path> files = Files.list(Fixtures.gpt2Tiny())) {
                        for (Path f : files.toList()) {
                            Files.copy(f, dir.resolve("model").resolve(f.getFileName()));
                        }
                    }
                }
                case "extract" -> {
                    HandMadeTables.headStats(spark, dir);
                    HandMadeTables.headTokenMass(spark, dir);
                    HandMadeTables.attention(spark, dir);
                    HandMadeTables.tokenStats(spark, dir);
                    HandMadeTables.headDistances(spark, dir);
                    // The other tables extract declares, empty.
                    for (String table : ExtractJob.OUTPUT_TABLES) {
                        if (!Files.exists(dir.resolve(table))) {
                            spark.createDataFrame(List.of(), Schemas.ALL.get(table))
                                    .write()
                                    .parquet(dir.resolve(table).toString());
                        }
                    }
                }
                case "ablate" -> ReportTables.writeHeadAblation(spark, dir);
                case "report" -> Files.writeString(dir.resolve("report.html"), "<html></html>");
                default -> {
                    return DemoJob.API.run(step, overwrite, context);
                }
            }
            return List::of;
        }

        List<String> jobs() {
            return ran.stream()
                    .map(args -> args.get(0) + (args.contains("--overwrite") ? " --overwrite" : ""))
                    .toList();
        }
    }

    private String demo(Path dir, Path names, DemoJob.Jobs jobs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DemoJob(DemoJob.Options.builder().out(dir.toString()).names(names).build(), jobs)
                .run(new JobContext(
                        spark, new PrintStream(out, true, StandardCharsets.UTF_8), "demo", List.of(), Instant.now()));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Path names(Path dir) throws IOException {
        return Files.writeString(dir.resolve("names.txt"), "emma\nolivia\n");
    }

    @Test
    void runsEveryStepOnceThenReusesThemAndRerunsWhatFollowsAMissingOutput(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("demo");
        Path names = names(tmp);
        FakeJobs first = new FakeJobs(dir);
        String out = demo(dir, names, first);
        assertThat(first.jobs())
                .containsExactly("tokenize", "train", "extract", "ablate", "probe", "summarize", "report");
        assertThat(first.ran.get(0))
                .containsExactly(
                        "tokenize",
                        "--input",
                        names.toString(),
                        "--format",
                        "lines",
                        "--tokenizer",
                        "char",
                        "--out",
                        dir.toString());
        assertThat(first.ran.get(1))
                .containsExactly(
                        "train", "--tokens", dir.toString(), "--out", dir + "/model", "--preset", "names-demo");
        assertThat(first.ran.get(2))
                .containsExactly(
                        "extract",
                        "--model",
                        dir + "/model",
                        "--tokens",
                        dir.toString(),
                        "--out",
                        dir.toString(),
                        "--patterns",
                        "all",
                        "--explain",
                        "0.01");
        assertThat(first.ran.get(3))
                .containsExactly(
                        "ablate",
                        "--model",
                        dir + "/model",
                        "--tokens",
                        dir.toString(),
                        "--out",
                        dir.toString(),
                        "--sweep",
                        "zero");
        assertThat(out)
                .contains(
                        "== ./headwise probe --model " + dir + "/model --out " + dir + " --seed 0",
                        "Top heads",
                        "induction",
                        "importance",
                        "report         " + dir + "/report.html",
                        "Try:",
                        "top_attended(");
        // summarize ran on the stand-in tables: L1H1 has the highest importance (0.8)
        assertThat(out.lines()
                        .filter(l -> l.strip().startsWith("importance"))
                        .findFirst()
                        .orElseThrow())
                .contains("L1H1 0.800");

        FakeJobs second = new FakeJobs(dir);
        String again = demo(dir, names, second);
        assertThat(second.ran).isEmpty();
        assertThat(again).contains("== tokenize: done already, reused", "== report: done already, reused", "Top heads");

        deleteTree(dir.resolve(Schemas.HEAD_PROBES));
        FakeJobs third = new FakeJobs(dir);
        demo(dir, names, third);
        assertThat(third.jobs()).containsExactly("probe", "summarize --overwrite", "report");

        // A missing sweep reruns it and everything after it; the model and tokens are reused.
        deleteTree(dir.resolve(Schemas.HEAD_ABLATION));
        FakeJobs fourth = new FakeJobs(dir);
        demo(dir, names, fourth);
        assertThat(fourth.jobs()).containsExactly("ablate", "probe --overwrite", "summarize --overwrite", "report");
    }

    @Test
    void aFailingStepStopsTheDemoNamingIt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("demo");
        FakeJobs jobs = new FakeJobs(dir);
        jobs.failing = "extract";
        Path names = names(tmp);
        assertThatThrownBy(() -> demo(dir, names, jobs))
                .isInstanceOf(BadInputException.class)
                .hasMessage("demo: step `extract` failed: " + dir.resolve("model") + ": no such directory");
        assertThat(jobs.jobs()).containsExactly("tokenize", "train", "extract");
        CliRun missing = CliRun.of(
                "demo",
                "--out",
                dir.toString(),
                "--names",
                tmp.resolve("nope.txt").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--names " + tmp.resolve("nope.txt") + ": no such file");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
