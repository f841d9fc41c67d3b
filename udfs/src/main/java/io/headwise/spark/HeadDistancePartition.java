package io.headwise.spark;

import io.headwise.BadInputException;
import io.headwise.metrics.AttentionPattern;
import io.headwise.metrics.HeadDistance;
import io.headwise.metrics.PairwiseDistances;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/**
 * Executor side of {@code head_distances}: samples in (one row per sample holding every head's
 * pattern), one row of {@link HeadDistance} partial sums per head pair {@code a < b} out, for Spark
 * to sum per pair. Heads are indexed {@code layer * n_head + head}.
 */
public final class HeadDistancePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The input: {@code heads} = {@code collect_list(struct(layer, head, pattern))} of one sample. */
    public static final String HEADS = "heads";

    /** Partial sums of one pair over one partition's samples. */
    public static final StructType SUMS_SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("index_a", DataTypes.IntegerType, false),
            DataTypes.createStructField("index_b", DataTypes.IntegerType, false),
            DataTypes.createStructField("n_rows", DataTypes.LongType, false),
            DataTypes.createStructField("divergence_sum", DataTypes.DoubleType, false)));

    private final int nLayer;
    private final int nHead;

    public HeadDistancePartition(int nLayer, int nHead) {
        this.nLayer = nLayer;
        this.nHead = nHead;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> samples) {
        if (!samples.hasNext()) {
            return List.<Row>of().iterator();
        }
        int h = nLayer * nHead;
        PairwiseDistances distances = new PairwiseDistances(h);
        while (samples.hasNext()) {
            Row sample = samples.next();
            AttentionPattern[] patterns = new AttentionPattern[h];
            for (Row head : sample.<Row>getList(sample.fieldIndex(HEADS))) {
                int layer = head.getInt(0);
                int index = layer * nHead + head.getInt(1);
                if (layer < 0 || layer >= nLayer || head.getInt(1) < 0 || head.getInt(1) >= nHead) {
                    throw new BadInputException(
                            "attention row (sample_id %d, layer %d, head %d) is outside the %d x %d heads of head_stats",
                            sample.getLong(0), layer, head.getInt(1), nLayer, nHead);
                }
                @SuppressWarnings("unchecked")
                Seq<Seq<Object>> pattern = (Seq<Seq<Object>>) head.get(2);
                try {
                    patterns[index] = AttentionPattern.ofRows(SparkArrays.floatRows(pattern));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(
                            e,
                            "attention, sample_id %d, layer %d, head %d: %s",
                            sample.getLong(0),
                            layer,
                            head.getInt(1),
                            e.getMessage());
                }
            }
            try {
                distances.add(patterns);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e, "attention, sample_id %d: %s", sample.getLong(0), e.getMessage());
            }
        }
        List<Row> rows = new ArrayList<>(h * (h - 1) / 2);
        for (int a = 0; a < h; a++) {
            for (int b = a + 1; b < h; b++) {
                HeadDistance d = distances.pair(a, b);
                rows.add(RowFactory.create(a, b, d.nRows(), d.divergenceSum()));
            }
        }
        return rows.iterator();
    }
}
