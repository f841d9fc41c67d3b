package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import io.headwise.spark.SqlFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code sql}: Spark SQL over every complete table under a run directory, each registered as a
 * temporary view named after its directory, with the {@link SqlFunctions} on patterns. Prints an
 * aligned table, CSV or JSON lines ({@link ResultPrinter}).
 */
public final class SqlJob {

    /** Default of {@code --format}. */
    public static final String FORMAT_DEFAULT = "table";
    /** Default of {@code --max-rows}. */
    public static final int MAX_ROWS_DEFAULT = ResultPrinter.MAX_ROWS_DEFAULT;

    /**
     * Options of {@code sql}, checked when built.
     *
     * @param tables run directory whose tables become views; {@code --tables}
     * @param format {@code table|csv|json}, how the CLI prints the result; {@code --format}
     * @param file a file to read the query from, or null; {@code --file}
     * @param maxRows rows an aligned table shows at most; {@code --max-rows}
     * @param query the query, or null with {@code file}; the positional {@code QUERY}
     */
    public record Options(String tables, String format, Path file, int maxRows, String query) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(tables, "--tables");
            ResultPrinter.format(OptionChecks.required(format, "--format"));
            if (maxRows < 1) {
                throw new BadInputException("--max-rows must be >= 1, got %d", maxRows);
            }
            if ((query == null) == (file == null)) {
                throw new BadInputException("give either a QUERY or --file q.sql (not both)");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code tables} and {@code query} or {@code file}; the rest has defaults. */
        public static final class Builder {
            private String tables;
            private String format = FORMAT_DEFAULT;
            private Path file;
            private int maxRows = MAX_ROWS_DEFAULT;
            private String query;

            private Builder() {}

            public Builder tables(String tables) {
                this.tables = tables;
                return this;
            }

            public Builder format(String format) {
                this.format = format;
                return this;
            }

            public Builder file(Path file) {
                this.file = file;
                return this;
            }

            public Builder maxRows(int maxRows) {
                this.maxRows = maxRows;
                return this;
            }

            public Builder query(String query) {
                this.query = query;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(tables, format, file, maxRows, query);
            }
        }
    }

    /**
     * The query's result, not yet computed (the CLI prints it; from Java, use it as any Dataset).
     *
     * @param rows the result of the query
     * @param views the tables registered as views, by name
     */
    public record Result(Dataset<Row> rows, List<String> views) implements JobResult {

        /** {@code sql} writes no table. */
        @Override
        public List<WrittenTable> tables() {
            return List.of();
        }
    }

    private final Options options;

    public SqlJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Registers the views and runs the query in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return query(JobContext.forApi(spark, "sql", options));
    }

    /** Runs the query as the CLI does, printing its result to {@code context}. */
    public Result run(JobContext context) {
        Result result = query(context);
        new ResultPrinter(context, ResultPrinter.format(options.format()), options.maxRows()).print(result.rows());
        return result;
    }

    private Result query(JobContext context) {
        String query = query(options);
        SparkSession spark = context.spark();
        List<String> tables = registerViews(spark, options.tables());
        SqlFunctions.register(spark);
        context.describe("sql over " + options.tables());
        try {
            return new Result(spark.sql(query), tables);
        } catch (Exception e) {
            // Scala declares no checked exceptions: AnalysisException (ParseException included) is
            // thrown undeclared by parsing and analysis, both eager in spark.sql.
            if (e instanceof AnalysisException) {
                throw new BadInputException(e, "%s; tables: %s", firstLine(e.getMessage()), String.join(", ", tables));
            }
            throw e;
        }
    }

    private static String query(Options options) {
        if (options.file() == null) {
            return options.query();
        }
        try {
            return Files.readString(options.file());
        } catch (IOException e) {
            throw new BadInputException("--file %s: cannot read (%s)", options.file(), e.getMessage());
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
