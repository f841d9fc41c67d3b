package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The users' table reference, {@code docs/tables.md}, lists every table {@link Schemas} defines, with its columns in
 * order, their Spark SQL types and which may be null, so the users' reference cannot drift from
 * what the jobs write.
 */
class DocsTablesTest {

    /** A column, {@code `name type`}, followed by {@code (nullable)} where it may be null. */
    private static final Pattern COLUMN = Pattern.compile("`([a-z0-9_]+) ([^`]+)`( \\(nullable\\))?");

    @Test
    void everyTableIsDocumentedWithItsColumns() throws IOException {
        Map<String, List<String>> documented = documentedTables(tablesSection());
        Map<String, List<String>> written = new LinkedHashMap<>();
        Schemas.ALL.forEach((table, schema) -> written.put(table, columns(schema)));
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(written.keySet());
        written.forEach(
                (table, columns) -> assertThat(documented.get(table)).as(table).containsExactlyElementsOf(columns));
    }

    @Test
    void columnsAreReadWithTheirTypesAndNullability() {
        assertThat(
                        documentedTables(
                                "| `t` | job | row | `a bigint`, `b array<struct<x:string,y:double>>` (nullable), `c map<string,bigint>` |"))
                .containsExactly(Map.entry(
                        "t",
                        List.of("a bigint", "b array<struct<x:string,y:double>> nullable", "c map<string,bigint>")));
    }

    /** Table → its columns as {@code "name type"}, {@code " nullable"} appended where it may be null. */
    private static Map<String, List<String>> documentedTables(String section) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (String line : section.split("\n")) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            String table = cells[1].trim().replace("`", "");
            List<String> columns = new ArrayList<>();
            Matcher m = COLUMN.matcher(cells[4].trim());
            while (m.find()) {
                columns.add(m.group(1) + " " + m.group(2) + (m.group(3) != null ? " nullable" : ""));
            }
            tables.put(table, columns);
        }
        return tables;
    }

    private static List<String> columns(StructType schema) {
        List<String> columns = new ArrayList<>();
        for (StructField f : schema.fields()) {
            columns.add(f.name() + " " + f.dataType().simpleString() + (f.nullable() ? " nullable" : ""));
        }
        return columns;
    }

    /** The tables page, {@code docs/tables.md}, from its table of tables on. */
    private static String tablesSection() throws IOException {
        String page = Files.readString(tablesPage(), StandardCharsets.UTF_8);
        assertThat(page).as("docs/tables.md starts with \"# Tables\"").startsWith("# Tables\n");
        return page;
    }

    /** The repository's docs/tables.md: Maven runs the tests in the module's directory, below it. */
    private static Path tablesPage() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/tables.md")) && Files.isDirectory(dir.resolve("udfs"))) {
                return dir.resolve("docs/tables.md");
            }
        }
        throw new IllegalStateException("no docs/tables.md above " + System.getProperty("user.dir"));
    }
}
