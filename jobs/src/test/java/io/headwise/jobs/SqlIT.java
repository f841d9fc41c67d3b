package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.testing.CliRun;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SqlIT {

    private static final String TABLES =
            "attention, head_distances, head_probes, head_stats, head_summary, head_token_mass, run_manifest, token_stats";

    @TempDir
    static Path dir;

    @BeforeAll
    static void tables() {
        HandMadeTables.all(SparkTestSession.get(), dir);
        CliRun summarize = CliRun.of("summarize", "--tables", dir.toString());
        assertThat(summarize.exitCode()).as(summarize.err()).isZero();
    }

    private static CliRun sql(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "sql";
        full[1] = "--tables";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    private static List<String> lines(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out().lines().toList();
    }

    @Test
    void everyTableIsAViewNamedAfterItsDirectory() {
        assertThat(lines(sql(
                        "--format",
                        "csv",
                        "SELECT (SELECT count(*) FROM head_stats) AS stats, (SELECT count(*) FROM attention) AS attention,"
                                + " (SELECT count(*) FROM run_manifest) AS runs")))
                .containsExactly("stats,attention,runs", "8,8,1");
    }

    @Test
    void topAttendedAndPatternEntropyOnAHandMadePattern() {
        // L1H1 row 2 is [0.1, 0.3, 0.6]; L0H1 row 1 is [0.5, 0.5]; a 3-token sample has no query 5.
        assertThat(lines(sql("--format", "csv", """
                SELECT a.layer, a.head, top_attended(a.pattern, 2, 2) AS top2, top_attended(a.pattern, 2, 9) AS all_keys,
                       pattern_entropy(a.pattern, 1) AS h1, pattern_entropy(a.pattern, 5) AS h5
                FROM attention a WHERE a.sample_id = 1 AND a.head = 1 ORDER BY a.layer""")))
                .containsExactly(
                        "layer,head,top2,all_keys,h1,h5",
                        "0,1,\"[0, 1]\",\"[0, 1, 2]\"," + Math.log(2) + ",",
                        "1,1,\"[2, 1]\",\"[2, 1, 0]\",0.0,");
    }

    @Test
    void alignedTableRightAlignsNumbers() {
        assertThat(lines(sql(
                        "SELECT layer, head, 'L' || layer AS name, cluster FROM head_summary ORDER BY layer, head")))
                .containsExactly(
                        "layer  head  name  cluster",
                        "-----  ----  ----  -------",
                        "    0     0  L0          0",
                        "    0     1  L0          0",
                        "    1     0  L1          1",
                        "    1     1  L1          1",
                        "(4 rows)");
        assertThat(lines(sql("--max-rows", "2", "SELECT layer FROM head_summary ORDER BY layer")))
                .endsWith("(first 2 rows; add LIMIT, --max-rows N, or --format csv for all)");
    }

    @Test
    void jsonLinesAndQuotedCsv() {
        assertThat(lines(sql(
                        "--format",
                        "json",
                        "SELECT layer, head, top_tokens FROM head_summary WHERE layer = 0 AND head = 0")))
                .containsExactly(
                        "{\"layer\":0,\"head\":0,\"top_tokens\":[{\"token\":\"a\",\"weight\":0.75},{\"token\":\"b\",\"weight\":0.25}]}");
        assertThat(lines(sql("--format", "csv", "SELECT 'a,b' AS s, 'say \"hi\"' AS t, NULL AS n")))
                .containsExactly("s,t,n", "\"a,b\",\"say \"\"hi\"\"\",");
    }

    @Test
    void syntaxErrorsAndUnknownNamesExitTwoWithOneLineAndTheTables() {
        for (String query : List.of(
                "SELEC layer FROM head_summary", "SELECT * FROM head_summry", "SELECT nope FROM head_summary")) {
            CliRun run = sql(query);
            assertThat(run.exitCode()).as(query).isEqualTo(2);
            assertThat(run.err().lines().toList()).as(query).hasSize(1);
            assertThat(run.err()).startsWith("headwise sql: [").endsWith("; tables: " + TABLES + "\n");
        }
        assertThat(sql("SELEC 1").err()).contains("PARSE_SYNTAX_ERROR");
        assertThat(sql("SELECT * FROM head_summry").err()).contains("TABLE_OR_VIEW_NOT_FOUND", "head_summry");
        assertThat(sql("SELECT nope FROM head_summary").err()).contains("UNRESOLVED_COLUMN", "nope");
    }

    @Test
    void badUsageExitsTwo(@TempDir Path empty) {
        assertThat(sql().err()).contains("give either a QUERY or --file q.sql");
        assertThat(sql("--format", "xml", "SELECT 1").err()).contains("--format must be table, csv or json, got 'xml'");
        CliRun none = CliRun.of("sql", "--tables", empty.toString(), "SELECT 1");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no complete tables");
    }

    static Stream<Path> exampleQueries() throws IOException {
        Path queries = conf().resolve("queries");
        try (Stream<Path> files = Files.list(queries)) {
            List<Path> sql =
                    files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
            assertThat(sql).hasSizeGreaterThanOrEqualTo(4);
            return sql.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("exampleQueries")
    void everyExampleQueryRunsAndReturnsRows(Path file) throws IOException {
        assertThat(Files.readString(file)).startsWith("-- ");
        List<String> rows = lines(sql("--format", "json", "--file", file.toString()));
        assertThat(rows).as(file.toString()).isNotEmpty();
    }

    /** The repository's conf/ directory, found walking up from the module directory. */
    static Path conf() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("conf/queries"))) {
                return d.resolve("conf");
            }
        }
        throw new IllegalStateException(
                "conf/queries not found above " + Path.of("").toAbsolutePath());
    }
}
