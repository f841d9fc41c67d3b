package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.InjectedFaults;
import io.headwise.testing.ChildJob;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed with {@code kill -9} while it writes its tables (a JVM of its own, killed as soon
 * as its staging directory appears): no table of that run is in place, the next run on the
 * directory says in one line each what it found (the dead driver's lock, its staging directory)
 * and removes it, and writes the same tables as an undisturbed run. And two drivers started on one
 * run directory at once: one refuses in one line, the other's tables are whole.
 */
@Timeout(900)
class DriverKillIT {

    @TempDir
    static Path tmp;

    private final SparkSession spark = SparkTestSession.get();
    private static Path names;
    private static Path model;
    private static Path tokens;
    private static Path extracted;
    private static Path ablated;

    @BeforeAll
    static void undisturbedRuns() throws IOException {
        names = tmp.resolve("names.txt");
        Files.write(names, ExtractFixtures.allNames().subList(0, 4000));
        tokens = tmp.resolve("undisturbed/tokens-run");
        assertOk(CliRun.of(tokenizeArgs(tokens)));
        model = ExtractFixtures.randomModel(
                tmp.resolve("model"),
                ExtractFixtures.NAMES_CONFIG,
                Files.readString(tokens.resolve("tokenizer.json")),
                7);
        extracted = tmp.resolve("undisturbed/extract-run");
        assertOk(CliRun.of(extractArgs(extracted)));
        assertOk(CliRun.of("summarize", "--tables", extracted.toString()));
        ablated = tmp.resolve("undisturbed/ablate-run");
        assertOk(CliRun.of(ablateArgs(ablated)));
    }

    private static String[] tokenizeArgs(Path out) {
        return new String[] {
            "tokenize", "--input", names.toString(), "--format", "lines", "--tokenizer", "char", "--out", out.toString()
        };
    }

    private static String[] extractArgs(Path out) {
        return new String[] {
            "extract",
            "--model",
            model.toString(),
            "--tokens",
            tokens.toString(),
            "--out",
            out.toString(),
            "--patterns",
            "all"
        };
    }

    private static String[] ablateArgs(Path out) {
        return new String[] {
            "ablate",
            "--model",
            model.toString(),
            "--tokens",
            tokens.toString(),
            "--out",
            out.toString(),
            "--sweep",
            "zero"
        };
    }

    @Test
    void tokenizeKilledWhileWriting() throws Exception {
        Path run = tmp.resolve("tokenize-killed");
        killWhileStaging(run, "tokenize", tokenizeArgs(run));
        assertThat(run.resolve("tokens")).doesNotExist();
        assertThat(run.resolve("rejects")).doesNotExist();
        rerunReportsAndMatches(run, "tokenize", tokenizeArgs(run), tokens);
    }

    @Test
    void extractKilledWhileWriting() throws Exception {
        Path run = tmp.resolve("extract-killed");
        killWhileStaging(run, "extract", extractArgs(run));
        assertThat(tables(run)).isEmpty();
        rerunReportsAndMatches(run, "extract", extractArgs(run), extracted);
    }

    @Test
    void ablateKilledWhileWriting() throws Exception {
        Path run = tmp.resolve("ablate-killed");
        killWhileStaging(run, "ablate", ablateArgs(run));
        assertThat(tables(run)).isEmpty();
        rerunReportsAndMatches(run, "ablate", ablateArgs(run), ablated);
    }

    /**
     * {@code train} killed while it saves its checkpoint: a GPT-2-small-sized model (85 M
     * parameters over the names vocabulary, about 1 GB of model and optimizer state), so that the
     * save lasts long enough to be caught while a {@code .tmp} file is being written. The directory
     * then holds a partial file; a plain re-run refuses the directory in one line, and the re-run
     * with {@code --overwrite} removes the partial file and writes the same model as an undisturbed
     * run.
     */
    @Test
    void trainKilledWhileSavingItsCheckpoint() throws Exception {
        Path undisturbed = tmp.resolve("train-undisturbed");
        assertOk(CliRun.of(trainArgs(undisturbed)));
        Path killed = tmp.resolve("train-killed");
        // Saving copies the weights through the heap: more than ChildJob's default 1 GB.
        try (ChildJob child = ChildJob.start(List.of("-Xmx4g"), tmp.resolve("logs"), trainArgs(killed))) {
            child.killWhen(() -> !partialFiles(killed).isEmpty(), 600);
        }
        assertThat(partialFiles(killed)).isNotEmpty();
        CliRun plain = CliRun.of(trainArgs(killed));
        assertThat(plain.exitCode()).as(plain.out() + plain.err()).isEqualTo(2);
        assertThat(plain.err().strip().lines()).as("one line").hasSize(1);
        CliRun again = CliRun.of(concat(trainArgs(killed), "--overwrite"));
        assertOk(again);
        // The line saying so goes to the process's stderr with train's progress (TrainingRunTest reads it).
        assertThat(partialFiles(killed)).isEmpty();
        assertThat(Files.readAllBytes(killed.resolve("model.safetensors")))
                .as("the re-run's weights")
                .isEqualTo(Files.readAllBytes(undisturbed.resolve("model.safetensors")));
    }

    private static String[] trainArgs(Path out) {
        return new String[] {
            "train",
            "--tokens",
            tokens.toString(),
            "--out",
            out.toString(),
            "--layers",
            "12",
            "--heads",
            "12",
            "--embd",
            "768",
            "--steps",
            "1",
            "--batch-size",
            "2",
            "--eval-batches",
            "1",
            "--seed",
            "3"
        };
    }

    private static String[] concat(String[] args, String more) {
        String[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    /** The {@code *.tmp} files in {@code dir}: a checkpoint file being written. */
    private static List<String> partialFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".tmp"))
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    @Test
    void summarizeKilledWhileWriting() throws Exception {
        Path run = tmp.resolve("summarize-killed");
        copyTables(extracted, run, List.of("head_summary", "layer_summary", "run_manifest"));
        String[] args = {"summarize", "--tables", run.toString()};
        killWhileStaging(run, "summarize", args);
        assertThat(run.resolve("head_summary")).doesNotExist();
        assertThat(run.resolve("layer_summary")).doesNotExist();
        rerunReportsAndMatches(run, "summarize", args, extracted);
    }

    /**
     * The first attempt of one extract task fails after writing a batch into its attempt files;
     * Spark runs it again ({@code local[2,3]}: three attempts): the tables equal the undisturbed
     * run's, with no row twice.
     */
    @Test
    void anExtractTaskThatFailsOnceChangesNothing() throws Exception {
        Path run = tmp.resolve("task-fails-once");
        List<String> args = new ArrayList<>(Arrays.asList(extractArgs(run)));
        args.addAll(List.of("--master", "local[2,3]")); // batches as undisturbed: the same arithmetic
        try (ChildJob child = ChildJob.start(
                List.of("-D" + InjectedFaults.FAIL_FIRST_ATTEMPT + "=0"),
                tmp.resolve("logs"),
                args.toArray(String[]::new))) {
            assertThat(child.waitFor(600)).as(child.out() + child.err()).isZero();
            assertThat(child.err() + child.out()).contains("injected fault: attempt 0 of partition 0");
        }
        for (String table : tables(extracted)) {
            if (!table.equals("run_manifest") && !table.endsWith("_summary")) {
                List<String> rows = canonical(run.resolve(table));
                assertThat(rows).as(table).isEqualTo(canonical(extracted.resolve(table)));
                assertThat(spark.read()
                                .parquet(run.resolve(table).toString())
                                .distinct()
                                .count())
                        .as(table + " without duplicates")
                        .isEqualTo(rows.size());
            }
        }
        assertThat(hidden(run)).isEmpty();
    }

    /** Two tokenize drivers on one directory, the second started once the first holds its lock. */
    @Test
    void twoDriversOnOneDirectoryOneRefusesInOneLine() throws Exception {
        Path big = tmp.resolve("names-x40.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.addAll(ExtractFixtures.allNames());
        }
        Files.write(big, lines);
        Path run = tmp.resolve("two-drivers");
        String[] args = {
            "tokenize",
            "--input",
            big.toString(),
            "--format",
            "lines",
            "--tokenizer",
            "char",
            "--out",
            run.toString(),
            "--overwrite"
        };
        // The second reads a small file, so that it reaches the directory while the first writes.
        String[] small = args.clone();
        small[2] = names.toString();
        try (ChildJob first = ChildJob.start(tmp.resolve("logs"), args)) {
            long deadline = System.nanoTime() + 600_000_000_000L;
            while (!Files.exists(run.resolve(RunLock.NAME))) {
                assertThat(first.isAlive()).as(first.err()).isTrue();
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(5);
            }
            try (ChildJob second = ChildJob.start(tmp.resolve("logs"), small)) {
                int secondExit = second.waitFor(600);
                int firstExit = first.waitFor(600);
                assertThat(firstExit).as(first.err()).isZero();
                assertThat(secondExit).as(second.out() + second.err()).isEqualTo(2);
                assertThat(second.err().strip())
                        .doesNotContain("\n")
                        .contains(" is in use by `headwise tokenize` (pid " + first.pid());
            }
        }
        List<Row> manifest =
                spark.read().parquet(run.resolve("run_manifest").toString()).collectAsList();
        assertThat(manifest).hasSize(1);
        assertThat(manifest.get(0).<String>getAs("job")).isEqualTo("tokenize");
        assertThat(spark.read().parquet(run.resolve("tokens").toString()).count())
                .isEqualTo(40L * 32_033);
        assertThat(hidden(run)).isEmpty();
    }

    private void killWhileStaging(Path run, String job, String[] args) throws Exception {
        try (ChildJob child = ChildJob.start(tmp.resolve("logs"), args)) {
            child.killWhen(() -> staging(run, job), 600);
        }
        assertThat(run.resolve(RunLock.NAME)).exists();
        assertThat(hidden(run)).anyMatch(name -> name.startsWith("_staging-" + job + "-"));
    }

    private void rerunReportsAndMatches(Path run, String job, String[] args, Path undisturbed) throws IOException {
        CliRun again = CliRun.of(args);
        assertOk(again);
        List<String> removed =
                again.out().lines().filter(l -> l.startsWith("removed ")).toList();
        assertThat(removed).hasSize(2);
        assertThat(removed.get(0)).startsWith("removed the stale lock ").contains("of `headwise " + job + "`");
        assertThat(removed.get(1))
                .contains("_staging-" + job + "-")
                .contains("left by an interrupted `headwise " + job);
        assertThat(hidden(run)).isEmpty();
        for (String table : tables(run)) {
            if (!table.equals("run_manifest")) {
                assertThat(canonical(run.resolve(table))).as(table).isEqualTo(canonical(undisturbed.resolve(table)));
            }
        }
        assertThat(tables(run))
                .containsAll(tables(undisturbed).stream()
                        .filter(t -> !t.equals("run_manifest"))
                        .filter(t -> job.equals("summarize") || !t.endsWith("_summary"))
                        .toList());
    }

    /** Whether {@code job}'s staging directory exists under {@code run}: it is writing its tables. */
    private static boolean staging(Path run, String job) {
        if (!Files.isDirectory(run)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(run)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("_staging-" + job + "-"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The table directories of {@code run} (not hidden, holding {@code _SUCCESS}). */
    private static List<String> tables(Path run) throws IOException {
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(run)) {
            return entries.filter(p -> Files.exists(p.resolve("_SUCCESS")))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    private static List<String> hidden(Path run) throws IOException {
        try (Stream<Path> entries = Files.list(run)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("_"))
                    .toList();
        }
    }

    private static void copyTables(Path from, Path to, List<String> except) throws IOException {
        for (String table : tables(from)) {
            if (except.contains(table)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(from.resolve(table))) {
                for (Path f : files.toList()) {
                    Path target = to.resolve(from.relativize(f));
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
        }
    }

    /** Every row of the table as text, floating values to 6 significant digits, sorted. */
    private List<String> canonical(Path table) {
        List<String> rows = new ArrayList<>();
        for (Row row : spark.read().parquet(table.toString()).collectAsList()) {
            rows.add(text(row));
        }
        rows.sort(null);
        return rows;
    }

    private static String text(Object value) {
        if (value instanceof Row row) {
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                fields.add(text(row.get(i)));
            }
            return fields.toString();
        }
        if (value instanceof scala.collection.Seq<?> seq) {
            List<String> items = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(v -> items.add(text(v)));
            return items.toString();
        }
        if (value instanceof Double || value instanceof Float) {
            return String.format("%.6g", ((Number) value).doubleValue());
        }
        return value == null
                ? "null"
                : value.getClass().isArray() ? Arrays.deepToString(new Object[] {value}) : value.toString();
    }

    private static void assertOk(CliRun run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }
}
