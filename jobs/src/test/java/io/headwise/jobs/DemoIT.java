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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's orchestration, with stand-ins for the steps whose jobs are tested elsewhere: tokenize
 * and extract write hand-made tables, train copies gpt2-tiny; probe and summarize run for real on
 * them. The real demo on names.txt is timed by hand (docs/benchmarks.md).
 */
class DemoIT {

    private final SparkSession spark = SparkTestSession.get();

    /** Records every command line; fakes the slow jobs. */
    private final class FakeJobs implements DemoJob.Jobs {
        final List<List<String>> ran = new ArrayList<>();
        final boolean report;
        final Path dir;
        String failing;

        FakeJobs(Path dir, boolean report) {
            this.dir = dir;
            this.report = report;
        }

        @Override
        public int run(List<String> args) {
            ran.add(args);
            String job = args.get(0);
            if (job.equals(failing)) {
                return 2;
            }
            try {
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
                        spark.createDataFrame(List.of(), Schemas.ACTIVATIONS_SCHEMA)
                                .write()
                                .parquet(dir.resolve("activations").toString());
                        headDistances(spark, dir);
                    }
                    case "report" -> Files.writeString(dir.resolve("report.html"), "<html></html>");
                    default -> {
                        CliRun run = CliRun.of(args.toArray(new String[0]));
                        assertThat(run.exitCode()).as(run.err()).isZero();
                        return run.exitCode();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return 0;
        }

        /** Every ordered pair of gpt2-tiny's 2 × 2 heads: 0 to itself, 0.1 within a layer, 1 across. */
        private static void headDistances(SparkSession spark, Path dir) {
            List<Row> rows = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                for (int b = 0; b < 4; b++) {
                    double js = a == b ? 0 : a / 2 == b / 2 ? 0.1 : 1.0;
                    rows.add(RowFactory.create(a / 2, a % 2, b / 2, b % 2, js));
                }
            }
            spark.createDataFrame(rows, Schemas.HEAD_DISTANCES_SCHEMA)
                    .write()
                    .parquet(dir.resolve(Schemas.HEAD_DISTANCES).toString());
        }

        @Override
        public boolean exists(String name) {
            return !name.equals("report") || report;
        }

        List<String> jobs() {
            return ran.stream()
                    .map(args -> args.get(0) + (args.contains("--overwrite") ? " --overwrite" : ""))
                    .toList();
        }
    }

    private String demo(Path dir, Path names, DemoJob.Jobs jobs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DemoJob.Options options = new DemoJob.Options();
        options.out = dir.toString();
        options.names = names;
        DemoJob.run(
                new JobContext(
                        spark, new PrintStream(out, true, StandardCharsets.UTF_8), "demo", List.of(), Instant.now()),
                options,
                jobs);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Path names(Path dir) throws IOException {
        return Files.writeString(dir.resolve("names.txt"), "emma\nolivia\n");
    }

    @Test
    void runsEveryStepOnceThenReusesThemAndRerunsWhatFollowsAMissingOutput(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("demo");
        Path names = names(tmp);
        FakeJobs first = new FakeJobs(dir, true);
        String out = demo(dir, names, first);
        assertThat(first.jobs()).containsExactly("tokenize", "train", "extract", "probe", "summarize", "report");
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
                        "all");
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

        FakeJobs second = new FakeJobs(dir, true);
        String again = demo(dir, names, second);
        assertThat(second.ran).isEmpty();
        assertThat(again).contains("== tokenize: done already, reused", "== report: done already, reused", "Top heads");

        deleteTree(dir.resolve(Schemas.HEAD_PROBES));
        FakeJobs third = new FakeJobs(dir, true);
        demo(dir, names, third);
        assertThat(third.jobs()).containsExactly("probe", "summarize --overwrite", "report");
    }

    @Test
    void withoutTheReportJobTheDemoStopsAfterSummarize(@TempDir Path tmp) {
        List<String> steps = DemoJob.steps(tmp.toString(), "names.txt", new FakeJobs(tmp, false)).stream()
                .map(DemoJob.Step::job)
                .toList();
        assertThat(steps).containsExactly("tokenize", "train", "extract", "probe", "summarize");
    }

    @Test
    void aFailingStepStopsTheDemoNamingIt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("demo");
        FakeJobs jobs = new FakeJobs(dir, false);
        jobs.failing = "extract";
        Path names = names(tmp);
        assertThatThrownBy(() -> demo(dir, names, jobs))
                .isInstanceOf(BadInputException.class)
                .hasMessage("demo: step `extract` failed with exit code 2 (its message is above)");
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
