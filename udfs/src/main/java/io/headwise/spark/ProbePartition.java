package io.headwise.spark;

import io.headwise.metrics.AttentionPattern;
import io.headwise.metrics.ProbeScores;
import io.headwise.metrics.ProbeSequences;
import io.headwise.model.Analyzer;
import io.headwise.model.SampleResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Executor side of {@code probe}: sequence indices in, one row of {@link ProbeScores} sums per
 * head (layer × head rows per partition) out, for Spark to sum per head. Sequences go through
 * {@link Analyzer}, the code path of {@code extract} and {@code inspect}, without gradients.
 */
public final class ProbePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Partial sums of one head over one partition's sequences. */
    public static final StructType SUMS_SCHEMA = DataTypes.createStructType(List.of(
            DataTypes.createStructField("layer", DataTypes.IntegerType, false),
            DataTypes.createStructField("head", DataTypes.IntegerType, false),
            DataTypes.createStructField("n_sequences", DataTypes.LongType, false),
            DataTypes.createStructField("induction_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("duplicate_sum", DataTypes.DoubleType, false),
            DataTypes.createStructField("prev_token_sum", DataTypes.DoubleType, false)));

    private final ShippedModel model;
    private final long seed;
    private final int halfLength;
    private final int bos;
    private final int[] vocabulary;
    private final int batchSize;

    /**
     * @param model the model directory as tasks reach it (any Hadoop URI), loaded once per executor
     *     JVM through {@link ModelCache}
     * @param vocabulary the ids probes are drawn from ({@link ProbeSequences#vocabulary})
     */
    public ProbePartition(ShippedModel model, long seed, int halfLength, int bos, int[] vocabulary, int batchSize) {
        this.model = model;
        this.seed = seed;
        this.halfLength = halfLength;
        this.bos = bos;
        this.vocabulary = vocabulary.clone();
        this.batchSize = batchSize;
    }

    /** @param indices rows whose column 0 is the sequence index (BIGINT), as {@code spark.range} gives */
    @Override
    public Iterator<Row> call(Iterator<Row> indices) {
        if (!indices.hasNext()) {
            return List.<Row>of().iterator();
        }
        try (ExecutorCache.Lease<ModelCache.Loaded> lease =
                ModelCache.lease(model, DeviceChoice.forTask(DeviceChoice.AUTO))) {
            return sums(lease.get(), indices);
        }
    }

    private Iterator<Row> sums(ModelCache.Loaded loaded, Iterator<Row> indices) {
        Analyzer analyzer = new Analyzer(loaded.gpt(), loaded.manager(), 0, false);
        int nLayer = analyzer.config().nLayer();
        int nHead = analyzer.config().nHead();
        ProbeScores[][] scores = new ProbeScores[nLayer][nHead];
        for (ProbeScores[] layer : scores) {
            java.util.Arrays.fill(layer, ProbeScores.zero(halfLength));
        }
        List<int[]> batch = new ArrayList<>(batchSize);
        while (indices.hasNext()) {
            batch.add(ProbeSequences.sequence(seed, indices.next().getLong(0), halfLength, bos, vocabulary));
            if (batch.size() == batchSize || !indices.hasNext()) {
                for (SampleResult result : analyzer.analyze(batch)) {
                    for (int l = 0; l < nLayer; l++) {
                        for (int h = 0; h < nHead; h++) {
                            scores[l][h] = scores[l][h].add(AttentionPattern.ofRows(result.patterns()[l][h]));
                        }
                    }
                }
                batch.clear();
            }
        }
        List<Row> rows = new ArrayList<>(nLayer * nHead);
        for (int l = 0; l < nLayer; l++) {
            for (int h = 0; h < nHead; h++) {
                ProbeScores s = scores[l][h];
                rows.add(RowFactory.create(l, h, s.nSequences(), s.inductionSum(), s.duplicateSum(), s.prevTokenSum()));
            }
        }
        return rows.iterator();
    }
}
