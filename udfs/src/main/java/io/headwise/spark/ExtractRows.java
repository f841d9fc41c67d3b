package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.model.SampleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows {@code extract} makes of one sample, all in one combined schema so the model runs once
 * per sample whatever the number of tables: {@code kind} (the table's name) and one nullable struct
 * column per table, named like the table, of which only the {@code kind} one is set. The job
 * splits them with {@code where(kind = k).select("k.*")}.
 */
public final class ExtractRows {

    /** The tables in the combined schema, in column order after {@code kind}. */
    public static final List<String> TABLES = List.of(
            Schemas.REJECTS, Schemas.ATTENTION, Schemas.HEAD_STATS, Schemas.TOKEN_STATS, Schemas.ACTIVATIONS,
            Schemas.HEAD_TOKEN_MASS);

    public static final String KIND = "kind";

    public static final StructType COMBINED_SCHEMA = combinedSchema();

    /** Characters of a rejected sample's decoded tokens kept in {@code rejects.excerpt}. */
    public static final int EXCERPT_CHARS = 200;

    private ExtractRows() {}

    /** A row of table {@code table} ({@link #TABLES}) wrapped into the combined schema. */
    public static Row wrap(String table, Row row) {
        Object[] values = new Object[TABLES.size() + 1];
        int index = TABLES.indexOf(table);
        if (index < 0) {
            throw new IllegalArgumentException("not an extract table: " + table);
        }
        values[0] = table;
        values[index + 1] = row;
        return RowFactory.create(values);
    }

    /** A {@code rejects} row: the reason and the first {@value #EXCERPT_CHARS} characters of the tokens. */
    public static Row reject(String source, Long docId, String reason, List<String> pieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces.size() && text.length() < EXCERPT_CHARS; i++) {
            text.append(pieces.get(i));
        }
        String excerpt = text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) : text.toString();
        return wrap(Schemas.REJECTS, RowFactory.create(source, docId, reason, excerpt));
    }

    /**
     * Every row of one analysed sample: {@code head_stats} (when {@code T ≥ 2}), {@code token_stats},
     * {@code activations}, and {@code attention} when {@code withPatterns}.
     *
     * @param pieces the sample's {@code tokens} column, {@code [T]}
     */
    public static void sampleRows(long sampleId, SampleResult r, List<String> pieces, boolean withPatterns, Consumer<Row> out) {
        float[][][][] patterns = r.patterns();
        int nLayer = patterns.length;
        int nHead = nLayer == 0 ? 0 : patterns[0].length;
        int t = r.length();
        for (int l = 0; l < nLayer; l++) {
            for (int h = 0; h < nHead; h++) {
                Optional<HeadStats> stats = HeadMetrics.headStats(patterns[l][h]);
                if (stats.isPresent()) {
                    HeadStats s = stats.get();
                    Double headGrad = r.headGrad() == null ? null : (double) r.headGrad()[l][h];
                    out.accept(wrap(Schemas.HEAD_STATS, RowFactory.create(sampleId, l, h, s.nQueries(), s.entropy(),
                            s.distance(), s.prevToken(), s.firstToken(), s.self(), s.maxWeight(), headGrad)));
                }
                if (withPatterns) {
                    out.accept(wrap(Schemas.ATTENTION, RowFactory.create(sampleId, l, h, patterns[l][h])));
                }
            }
        }
        int[] ids = r.tokenIds();
        for (int p = 0; p < t; p++) {
            Double loss = p < t - 1 ? (double) r.loss()[p] : null;
            Double gradNorm = r.gradNorm() == null ? null : (double) r.gradNorm()[p];
            Double gradX = r.gradXInput() == null ? null : (double) r.gradXInput()[p];
            out.accept(wrap(Schemas.TOKEN_STATS, RowFactory.create(sampleId, p, ids[p], pieces.get(p), loss, gradNorm, gradX)));
        }
        for (int l = 0; l < nLayer; l++) {
            for (int p = 0; p < t; p++) {
                out.accept(wrap(Schemas.ACTIVATIONS, RowFactory.create(sampleId, l, p, (double) r.residNorm()[l][p],
                        r.mlpTopIds()[l][p], r.mlpTopValues()[l][p])));
            }
        }
    }

    /** A {@code head_token_mass} row. */
    public static Row mass(int layer, int head, int tokenId, String token, double mass) {
        return wrap(Schemas.HEAD_TOKEN_MASS, RowFactory.create(layer, head, tokenId, token, mass));
    }

    private static StructType combinedSchema() {
        List<StructField> fields = new ArrayList<>();
        fields.add(createStructField(KIND, StringType, false));
        for (String table : TABLES) {
            fields.add(createStructField(table, Schemas.ALL.get(table), true));
        }
        return new StructType(fields.toArray(StructField[]::new));
    }
}
