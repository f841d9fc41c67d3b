package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;

import io.headwise.BadInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Prints a query result: an aligned table (numbers right-aligned, at most {@code maxRows} rows),
 * CSV with a header (RFC 4180 quoting), or JSON lines. Values are rendered by Spark's own cast to
 * string (arrays as {@code [a, b]}, structs as {@code {a, b}}); CSV and JSON stream the rows from
 * the executors a partition at a time.
 */
final class ResultPrinter {

    static final int MAX_ROWS_DEFAULT = 1000;
    static final String NULL = "NULL";

    enum Format {
        TABLE,
        CSV,
        JSON
    }

    private final JobContext context;
    private final Format format;
    private final int maxRows;

    ResultPrinter(JobContext context, Format format, int maxRows) {
        this.context = context;
        this.format = format;
        this.maxRows = maxRows;
    }

    static Format format(String option) {
        return switch (option) {
            case "table" -> Format.TABLE;
            case "csv" -> Format.CSV;
            case "json" -> Format.JSON;
            default -> throw new BadInputException("--format must be table, csv or json, got '%s'", option);
        };
    }

    void print(Dataset<Row> result) {
        switch (format) {
            case JSON -> result.toJSON().toLocalIterator().forEachRemaining(context::print);
            case CSV -> printCsv(result);
            case TABLE -> printTable(result);
        }
    }

    private void printCsv(Dataset<Row> result) {
        StructField[] fields = result.schema().fields();
        List<String> header = new ArrayList<>();
        for (StructField field : fields) {
            header.add(csv(field.name()));
        }
        context.print(String.join(",", header));
        Iterator<Row> rows = asStrings(result).toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < fields.length; i++) {
                cells.add(row.isNullAt(i) ? "" : csv(row.getString(i)));
            }
            context.print(String.join(",", cells));
        }
    }

    private void printTable(Dataset<Row> result) {
        StructField[] fields = result.schema().fields();
        List<Row> rows = asStrings(result).limit(maxRows + 1).collectAsList();
        boolean more = rows.size() > maxRows;
        rows = rows.subList(0, Math.min(rows.size(), maxRows));
        int[] width = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            width[i] = fields[i].name().length();
            for (Row row : rows) {
                width[i] = Math.max(width[i], cell(row, i).length());
            }
        }
        List<String> header = new ArrayList<>();
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            header.add(pad(fields[i].name(), width[i], fields[i].dataType() instanceof NumericType));
            rule.add("-".repeat(width[i]));
        }
        context.print(String.join("  ", header).stripTrailing());
        context.print(String.join("  ", rule));
        for (Row row : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < fields.length; i++) {
                cells.add(pad(cell(row, i), width[i], fields[i].dataType() instanceof NumericType));
            }
            context.print(String.join("  ", cells).stripTrailing());
        }
        context.print(
                more
                        ? String.format("(first %d rows; add LIMIT, --max-rows N, or --format csv for all)", maxRows)
                        : String.format("(%d row%s)", rows.size(), rows.size() == 1 ? "" : "s"));
    }

    /** Every column cast to STRING by Spark, names kept. */
    private static Dataset<Row> asStrings(Dataset<Row> result) {
        List<Column> columns = new ArrayList<>();
        for (String name : result.columns()) {
            columns.add(col("`" + name.replace("`", "``") + "`").cast("string").as(name));
        }
        return result.select(columns.toArray(new Column[0]));
    }

    private static String cell(Row row, int i) {
        return row.isNullAt(i) ? NULL : row.getString(i).replace("\n", "\\n");
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(width - text.length());
        return right ? spaces + text : text + spaces;
    }

    static String csv(String value) {
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
