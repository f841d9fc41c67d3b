package io.headwise.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Test view of the internal rows of {@link SampleTable} and {@link ExtractTask}: each value read with the accessor its
 * column's type calls for (so a value of the wrong internal type fails with a ClassCastException,
 * as it would in Spark's projection), arrays as Java arrays.
 */
final class InternalRows {

    private InternalRows() {}

    static Row external(StructType schema, InternalRow row) {
        if (row.numFields() != schema.size()) {
            throw new IllegalArgumentException(row.numFields() + " values for " + schema.size() + " columns");
        }
        Object[] values = new Object[schema.size()];
        for (int i = 0; i < values.length; i++) {
            DataType type = schema.fields()[i].dataType();
            values[i] = row.isNullAt(i) ? null : value(row, i, type);
        }
        return RowFactory.create(values);
    }

    private static Object value(InternalRow row, int i, DataType type) {
        if (type.equals(DataTypes.LongType)) {
            return row.getLong(i);
        }
        if (type.equals(DataTypes.IntegerType)) {
            return row.getInt(i);
        }
        if (type.equals(DataTypes.DoubleType)) {
            return row.getDouble(i);
        }
        if (type.equals(DataTypes.StringType)) {
            return row.getUTF8String(i).toString();
        }
        DataType element = ((ArrayType) type).elementType();
        ArrayData array = row.getArray(i);
        if (element.equals(DataTypes.IntegerType)) {
            return array.toIntArray();
        }
        if (element.equals(DataTypes.FloatType)) {
            return array.toFloatArray();
        }
        float[][] rows = new float[array.numElements()][];
        for (int q = 0; q < rows.length; q++) {
            rows[q] = array.getArray(q).toFloatArray();
        }
        return rows;
    }
}
