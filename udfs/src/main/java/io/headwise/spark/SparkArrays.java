package io.headwise.spark;

import scala.collection.Iterator;
import scala.collection.Seq;

/** Spark's external values of array columns (Scala sequences) as Java arrays. */
public final class SparkArrays {

    private SparkArrays() {}

    /**
     * An {@code ARRAY<ARRAY<FLOAT>>} value (e.g. {@code attention.pattern}) as {@code float[][]}.
     *
     * @throws IllegalArgumentException naming the row that holds a null
     */
    public static float[][] floatRows(Seq<? extends Seq<?>> rows) {
        float[][] out = new float[rows.size()][];
        Iterator<? extends Seq<?>> it = rows.iterator();
        for (int q = 0; it.hasNext(); q++) {
            Seq<?> row = it.next();
            if (row == null) {
                throw new IllegalArgumentException(String.format("pattern row %d is null", q));
            }
            float[] values = new float[row.size()];
            Iterator<?> cells = row.iterator();
            for (int k = 0; cells.hasNext(); k++) {
                Object cell = cells.next();
                if (cell == null) {
                    throw new IllegalArgumentException(String.format("pattern row %d, key %d is null", q, k));
                }
                values[k] = ((Number) cell).floatValue();
            }
            out[q] = values;
        }
        return out;
    }
}
