package io.headwise.spark;

import io.headwise.BadInputException;
import io.headwise.metrics.AttentionPattern;
import io.headwise.metrics.QueryRows;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * SQL functions on {@code attention.pattern} ({@code ARRAY<ARRAY<FLOAT>>}, row {@code q} = the
 * weights of query {@code q} over keys {@code 0..q}), registered by the {@code sql} job:
 *
 * <ul>
 *   <li>{@code top_attended(pattern, q, k)} → {@code ARRAY<INT>}: the {@code k} key positions
 *       with most weight for query {@code q}, heaviest first (ties: smaller position first);
 *   <li>{@code pattern_entropy(pattern, q)} → {@code DOUBLE}: the entropy of query {@code q}'s row
 *       in nats.
 * </ul>
 *
 * Both return NULL when {@code pattern} or {@code q} is NULL or the sample has no query {@code q}
 * (samples differ in length, so a query over many samples must not fail on the short ones).
 */
public final class SqlFunctions {

    public static final String TOP_ATTENDED = "top_attended";
    public static final String PATTERN_ENTROPY = "pattern_entropy";

    private SqlFunctions() {}

    /** Registers the functions in {@code spark}'s session catalog. */
    public static void register(SparkSession spark) {
        spark.udf()
                .register(
                        TOP_ATTENDED,
                        (UDF3<Seq<Seq<Object>>, Integer, Integer, List<Integer>>) SqlFunctions::topAttended,
                        DataTypes.createArrayType(DataTypes.IntegerType, false));
        spark.udf()
                .register(
                        PATTERN_ENTROPY,
                        (UDF2<Seq<Seq<Object>>, Integer, Double>) SqlFunctions::patternEntropy,
                        DataTypes.DoubleType);
    }

    static List<Integer> topAttended(Seq<Seq<Object>> pattern, Integer q, Integer k) {
        if (k == null) {
            return null;
        }
        if (k < 1) {
            throw new BadInputException("%s(pattern, q, k): k must be >= 1, got %d", TOP_ATTENDED, k);
        }
        AttentionPattern p = pattern(pattern);
        if (p == null || q == null || !QueryRows.hasQuery(p, q)) {
            return null;
        }
        List<Integer> keys = new ArrayList<>();
        for (int key : QueryRows.topKeys(p, q, k)) {
            keys.add(key);
        }
        return keys;
    }

    static Double patternEntropy(Seq<Seq<Object>> pattern, Integer q) {
        AttentionPattern p = pattern(pattern);
        if (p == null || q == null || !QueryRows.hasQuery(p, q)) {
            return null;
        }
        return QueryRows.entropy(p, q);
    }

    /** A pattern column value as a validated pattern; null stays null. */
    static AttentionPattern pattern(Seq<Seq<Object>> pattern) {
        return pattern == null ? null : AttentionPattern.ofRows(SparkArrays.floatRows(pattern));
    }
}
