package io.headwise.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table whose rows come from one typed per-sample result {@code S}, declared once: its name, the
 * job that writes it, which rows a sample has ({@link Grain}: index pairs such as {@code (layer,
 * head)} or {@code (layer, position)}) and its columns, each with how its value comes from the
 * sample at a row's indices. The schema, the rows the job writes and the documentation's column
 * list all come from this declaration.
 *
 * <p>Values are Spark's internal ones ({@code Integer}, {@code Long}, {@code Double}, {@code
 * UTF8String}, {@code ArrayData}, or null for a nullable column), so rows go to Parquet without
 * conversion.
 *
 * @param <S> the per-sample result
 */
public final class SampleTable<S> {

    /** The value of one column at row {@code (i, j)} of a sample. */
    @FunctionalInterface
    public interface Cell<S> {
        Object value(S sample, int i, int j);
    }

    /** The index pairs of a sample's rows, in row order. */
    @FunctionalInterface
    public interface Grain<S> {
        void forEach(S sample, IndexPairs rows);
    }

    /** Receives one row's indices. */
    @FunctionalInterface
    public interface IndexPairs {
        void accept(int i, int j);
    }

    private final String name;
    private final String writtenBy;
    private final Grain<S> grain;
    private final List<Cell<S>> cells;
    private final StructType schema;

    private SampleTable(String name, String writtenBy, Grain<S> grain, List<StructField> fields, List<Cell<S>> cells) {
        this.name = name;
        this.writtenBy = writtenBy;
        this.grain = grain;
        this.cells = List.copyOf(cells);
        this.schema = DataTypes.createStructType(fields);
    }

    /** Starts the declaration of table {@code name}, written by job {@code writtenBy}. */
    public static <S> Builder<S> builder(String name, String writtenBy, Grain<S> grain) {
        return new Builder<>(name, writtenBy, grain);
    }

    public String name() {
        return name;
    }

    public String writtenBy() {
        return writtenBy;
    }

    public StructType schema() {
        return schema;
    }

    /**
     * Hands {@code out} the sample's rows. The row object is reused: {@code out} must consume it
     * (write or copy it) before returning.
     */
    public void rows(S sample, Consumer<InternalRow> out) {
        Object[] values = new Object[cells.size()];
        GenericInternalRow row = new GenericInternalRow(values);
        grain.forEach(sample, (i, j) -> {
            for (int c = 0; c < values.length; c++) {
                values[c] = cells.get(c).value(sample, i, j);
            }
            out.accept(row);
        });
    }

    /** Collects the columns of a {@link SampleTable}, in order. */
    public static final class Builder<S> {
        private final String name;
        private final String writtenBy;
        private final Grain<S> grain;
        private final List<StructField> fields = new ArrayList<>();
        private final List<Cell<S>> cells = new ArrayList<>();

        private Builder(String name, String writtenBy, Grain<S> grain) {
            this.name = name;
            this.writtenBy = writtenBy;
            this.grain = grain;
        }

        /** Adds column {@code column} of {@code type}; {@code cell} gives its value at a row. */
        public Builder<S> column(String column, DataType type, boolean nullable, Cell<S> cell) {
            if (column.contains(".")) {
                throw new IllegalArgumentException("column names have no dots (Spark reads them as fields): " + column);
            }
            fields.add(DataTypes.createStructField(column, type, nullable));
            cells.add(cell);
            return this;
        }

        public SampleTable<S> build() {
            return new SampleTable<>(name, writtenBy, grain, fields, cells);
        }
    }
}
