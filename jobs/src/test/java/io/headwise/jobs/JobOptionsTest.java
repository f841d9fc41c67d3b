package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The jobs' options as the Java API builds them: defaults in code, every check when built. */
class JobOptionsTest {

    private static ExtractJob.Options.Builder extract() {
        return ExtractJob.Options.builder().model("m").tokens("t").out("o");
    }

    private static CorpusOptions.Builder lines() {
        return CorpusOptions.builder().input("names.txt").format("lines");
    }

    @Test
    void extractDefaultsAreTheCommandLineDefaults() {
        assertThat(extract().build())
                .isEqualTo(new ExtractJob.Options("m", "t", "o", null, null, null, 8, 32, "auto", true, false));
    }

    @Test
    void extractOptionsAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> extract().batchSize(0).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--batch-size must be at least 1, got 0");
        assertThatThrownBy(() -> extract().mlpTopK(-1).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--mlp-top-k must not be negative, got -1");
        assertThatThrownBy(() -> extract().device("tpu").build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--device must be auto, cpu or gpu, got 'tpu'");
        assertThatThrownBy(() -> extract().patterns("1.5").build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--patterns: a fraction must be in [0, 1], got 1.5");
        assertThatThrownBy(
                        () -> ExtractJob.Options.builder().tokens("t").out("o").build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("missing required option --model");
    }

    @Test
    void modelDirectoriesWrittenOrReadWithLocalFileIoRefuseAHadoopUri() {
        // What picocli's Path conversion leaves of --out hdfs://namenode:8020/models/names.
        Path uri = Path.of("hdfs://namenode:8020/models/names");
        assertThatThrownBy(() -> TrainJob.Options.builder().tokens("t").out(uri).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--out hdfs:/namenode:8020/models/names: train needs a local path (or a file system"
                        + " mounted on the driver) here, not a Hadoop URI; copy the model directory between the"
                        + " two with `hdfs dfs -get`/`-put`");
        assertThatThrownBy(() -> ProbeJob.Options.builder()
                        .model(Path.of("file:///models/names"))
                        .out("o")
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--model file:/models/names: probe needs a local path");
        assertThat(TrainJob.Options.builder()
                        .tokens("t")
                        .out(Path.of("runs/hdfs-copy:1/model"))
                        .build()
                        .out())
                .isEqualTo(Path.of("runs/hdfs-copy:1/model"));
    }

    @Test
    void summarizeNeedsItsTables() {
        assertThat(SummarizeJob.Options.builder().tables("runs/x").build())
                .isEqualTo(new SummarizeJob.Options("runs/x", false));
        assertThatThrownBy(() -> SummarizeJob.Options.builder().build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("missing required option --tables");
    }

    @Test
    void corpusDefaultsAndChecks() {
        assertThat(lines().build())
                .isEqualTo(new CorpusOptions("names.txt", "lines", List.of(0L), false, 0, 1 << 20, 0.01, false));
        assertThatThrownBy(() -> lines().format("csv").build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--format must be lines, wiki or text, got 'csv'");
        assertThatThrownBy(() -> lines().maxRejectFraction(1.5).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--max-reject-fraction must be between 0 and 1, got 1.5");
        assertThatThrownBy(() -> lines().splitSize(-1).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--split-size must be positive (or 0 for the default), got -1");
        assertThatThrownBy(() -> lines().maxRecordBytes(0).build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--max-record-bytes must be between 1 and 2147483639, got 0");
        assertThat(lines().maxRecordBytes(100).build().maxRecordBytes()).isEqualTo(100);
    }

    @Test
    void tokenizeChecksItsOptionsTogether() {
        TokenizeJob.Options options = TokenizeJob.Options.builder()
                .corpus(lines().build())
                .tokenizer("char")
                .out("o")
                .build();
        assertThat(options.blockSize()).isEqualTo(1024);
        assertThat(options.stride()).isZero();
        assertThatThrownBy(() -> TokenizeJob.Options.builder()
                        .corpus(lines().format("wiki").build())
                        .tokenizer("char")
                        .out("o")
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--tokenizer char needs --format lines (a char-level vocabulary is for names)");
        assertThatThrownBy(() -> TokenizeJob.Options.builder()
                        .corpus(lines().build())
                        .tokenizer("char")
                        .blockSize(1)
                        .out("o")
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--block-size must be at least 2, got 1");
    }

    @Test
    void trainTokenizerNeedsRoomForTheBytes() {
        assertThat(TrainTokenizerJob.Options.builder()
                        .corpus(lines().build())
                        .out("t.json")
                        .build()
                        .vocabSize())
                .isEqualTo(2000);
        assertThatThrownBy(() -> TrainTokenizerJob.Options.builder()
                        .corpus(lines().build())
                        .vocabSize(256)
                        .out("t.json")
                        .build())
                .isInstanceOf(BadInputException.class)
                .hasMessage("--vocab-size 256 is too small: it must hold the 256 bytes and <|endoftext|>");
    }

    @Test
    void optionsAreImmutable() {
        List<Long> namespaces = new java.util.ArrayList<>(List.of(0L, 14L));
        CorpusOptions options = lines().namespaces(namespaces).build();
        namespaces.add(6L);
        assertThat(options.namespaces()).containsExactly(0L, 14L);
        assertThatThrownBy(() -> options.namespaces().add(1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void probeSqlSampleInspectReportTrainAndDemoCheckTheirOptions() {
        assertThat(ProbeJob.Options.builder().model(Path.of("m")).out("o").build())
                .isEqualTo(new ProbeJob.Options(Path.of("m"), "o", 100, null, 0, 32, false));
        assertThatThrownBy(() -> ProbeJob.Options.builder()
                        .model(Path.of("m"))
                        .out("o")
                        .nSequences(0)
                        .build())
                .hasMessage("--n-sequences must be >= 1, got 0");

        assertThat(SqlJob.Options.builder().tables("t").query("SELECT 1").build())
                .isEqualTo(new SqlJob.Options("t", "table", null, 1000, "SELECT 1"));
        assertThatThrownBy(() -> SqlJob.Options.builder()
                        .tables("t")
                        .query("SELECT 1")
                        .file(Path.of("q.sql"))
                        .build())
                .hasMessage("give either a QUERY or --file q.sql (not both)");
        assertThatThrownBy(() -> SqlJob.Options.builder()
                        .tables("t")
                        .query("SELECT 1")
                        .format("xml")
                        .build())
                .hasMessage("--format must be table, csv or json, got 'xml'");

        assertThat(SampleJob.Options.builder().model(Path.of("m")).build())
                .isEqualTo(new SampleJob.Options(Path.of("m"), 20, "", 1.0, 0, 1337));
        assertThatThrownBy(() -> SampleJob.Options.builder()
                        .model(Path.of("m"))
                        .temperature(Double.POSITIVE_INFINITY)
                        .build())
                .hasMessage("--temperature must be a positive number, got Infinity");

        assertThat(InspectJob.Options.builder().model(Path.of("m")).text("emma").build())
                .isEqualTo(new InspectJob.Options(Path.of("m"), "emma", "table", null, List.of(), false, 3));
        assertThatThrownBy(() -> ReportJob.Options.builder()
                        .tables("t")
                        .model(Path.of("m"))
                        .out(Path.of("r.htm"))
                        .build())
                .hasMessage("--out must name an .html file, got 'r.htm'");

        assertThatThrownBy(() -> TrainJob.Options.builder()
                        .tokens("t")
                        .out(Path.of("m"))
                        .resume(true)
                        .overwrite(true)
                        .build())
                .hasMessage("--resume and --overwrite exclude each other");
        assertThat(DemoJob.Options.builder().build()).isEqualTo(new DemoJob.Options("runs/demo", null));
    }
}
