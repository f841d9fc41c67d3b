package io.headwise.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headwise.jobs.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Two run directories hold the same tables: the same rows in any order, floating-point values
 * within a relative tolerance (absolute below 1). Rows are put in one order by every column that is
 * neither floating point nor holds floating point (ids, layers, heads, tokens), so each row is
 * compared with its counterpart and a duplicated or missing row is a difference.
 */
public final class SameTables {

    private SameTables() {}

    public static void assertSame(
            SparkSession spark, String expectedDir, String actualDir, List<String> tables, double tolerance) {
        for (String table : tables) {
            List<Row> a = sorted(Tables.read(spark, expectedDir, table, "the expected run"));
            List<Row> b = sorted(Tables.read(spark, actualDir, table, "the compared run"));
            assertThat(b).as("rows of %s", table).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertSameRow(a.get(i), b.get(i), table, tolerance);
            }
        }
    }

    private static List<Row> sorted(Dataset<Row> rows) {
        List<Column> keys = new ArrayList<>();
        for (StructField field : rows.schema().fields()) {
            if (!holdsFloatingPoint(field.dataType())) {
                keys.add(functions.col(field.name()));
            }
        }
        return rows.orderBy(keys.toArray(Column[]::new)).collectAsList();
    }

    private static boolean holdsFloatingPoint(DataType type) {
        return type instanceof FloatType
                || type instanceof DoubleType
                || type instanceof MapType
                || type instanceof ArrayType array && holdsFloatingPoint(array.elementType());
    }

    private static void assertSameRow(Row a, Row b, String table, double tolerance) {
        assertThat(b.length()).isEqualTo(a.length());
        for (int i = 0; i < a.length(); i++) {
            assertSameValue(
                    a.get(i),
                    b.get(i),
                    table + " " + a + " column " + a.schema().fields()[i].name(),
                    tolerance);
        }
    }

    private static void assertSameValue(Object a, Object b, String where, double tolerance) {
        if (a instanceof Double x) {
            assertThat((Double) b).as(where).isCloseTo(x, within(tolerance * Math.max(1, Math.abs(x))));
        } else if (a instanceof Float x) {
            assertThat((double) (Float) b).as(where).isCloseTo(x, within(tolerance * Math.max(1, Math.abs(x))));
        } else if (a instanceof scala.collection.Seq<?> seq) {
            List<?> x = CollectionConverters.asJava(seq);
            List<?> y = CollectionConverters.asJava((scala.collection.Seq<?>) b);
            assertThat(y).as(where).hasSameSizeAs(x);
            for (int i = 0; i < x.size(); i++) {
                assertSameValue(x.get(i), y.get(i), where, tolerance);
            }
        } else {
            assertThat(b).as(where).isEqualTo(a);
        }
    }
}
