package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import io.headwise.spark.SqlFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sql}: Spark SQL over every complete table under a run directory, each registered as a
 * temporary view named after its directory, with the {@link SqlFunctions} on patterns. Prints an
 * aligned table, CSV or JSON lines ({@link ResultPrinter}).
 */
public final class SqlJob {

    /** Options of {@code sql}. */
    public static final class Options {
        @Option(
                names = "--tables",
                required = true,
                paramLabel = "DIR",
                description = "Run directory whose tables become views.")
        public String tables;

        @Option(
                names = "--format",
                defaultValue = "table",
                paramLabel = "table|csv|json",
                description = "Output format (default: ${DEFAULT-VALUE}).")
        public String format;

        @Option(names = "--file", paramLabel = "q.sql", description = "Read the query from this file.")
        public Path file;

        @Option(
                names = "--max-rows",
                defaultValue = "" + ResultPrinter.MAX_ROWS_DEFAULT,
                paramLabel = "N",
                description =
                        "Rows an aligned table shows at most (default: ${DEFAULT-VALUE}); csv and json print every row.")
        public int maxRows;

        @Parameters(arity = "0..1", paramLabel = "QUERY", description = "The query (or --file).")
        public String query;
    }

    private SqlJob() {}

    public static void run(JobContext context, Options options) {
        ResultPrinter.Format format = ResultPrinter.format(options.format);
        if (options.maxRows < 1) {
            throw new BadInputException("--max-rows must be >= 1, got %d", options.maxRows);
        }
        String query = query(options);
        SparkSession spark = context.spark();
        List<String> tables = registerViews(spark, options.tables);
        SqlFunctions.register(spark);
        context.describe("sql over " + options.tables);
        Dataset<Row> result;
        try {
            result = spark.sql(query);
        } catch (Exception e) {
            // Scala declares no checked exceptions: AnalysisException (ParseException included) is
            // thrown undeclared by parsing and analysis, both eager in spark.sql.
            if (e instanceof AnalysisException) {
                throw new BadInputException(e, "%s; tables: %s", firstLine(e.getMessage()), String.join(", ", tables));
            }
            throw e;
        }
        new ResultPrinter(context, format, options.maxRows).print(result);
    }

    private static String query(Options options) {
        if ((options.query == null) == (options.file == null)) {
            throw new BadInputException("give either a QUERY or --file q.sql (not both)");
        }
        if (options.file == null) {
            return options.query;
        }
        try {
            return Files.readString(options.file);
        } catch (IOException e) {
            throw new BadInputException("--file %s: cannot read (%s)", options.file, e.getMessage());
        }
    }

    /** Registers every complete table under {@code dir} as a view; returns their names. */
    static List<String> registerViews(SparkSession spark, String dir) {
        if (!Tables.exists(spark, dir)) {
            throw new BadInputException("--tables %s: no such directory", dir);
        }
        List<String> tables = Tables.list(spark, dir);
        if (tables.isEmpty()) {
            throw new BadInputException("--tables %s: no complete tables (directories with a _SUCCESS marker)", dir);
        }
        for (String table : tables) {
            var reader = spark.read();
            if (Schemas.ALL.containsKey(table)) {
                reader = reader.schema(Schemas.ALL.get(table));
            }
            reader.parquet(Tables.path(dir, table)).createOrReplaceTempView(table);
        }
        return tables;
    }

    static String firstLine(String message) {
        String text = message == null ? "" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
