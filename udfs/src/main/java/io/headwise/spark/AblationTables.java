package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of {@code ablate} (SPEC §5), declared once: {@code head_ablation} (one row per
 * intervention, from the tasks' {@link io.headwise.model.AblationSums} merged on the driver) and
 * {@code ablation_deltas} (one row per sample × intervention, written by the tasks).
 */
public final class AblationTables {

    /** The job that writes these tables. */
    public static final String JOB = "ablate";

    public static final String HEAD_ABLATION = "head_ablation";
    public static final String ABLATION_DELTAS = "ablation_deltas";

    /** The tasks' reject rows, in the staging directory only; {@code rejects} is made from them. */
    public static final String REJECT_ROWS = "ablate_rejects";

    public static final StructType HEAD_ABLATION_SCHEMA = createStructType(List.of(
            createStructField("intervention", StringType, false),
            createStructField("kind", StringType, false),
            createStructField("layer", IntegerType, true),
            createStructField("head", IntegerType, true),
            createStructField("head2", IntegerType, true),
            createStructField("alpha", DoubleType, true),
            createStructField("n_samples", LongType, false),
            createStructField("n_predictions", LongType, false),
            createStructField("base_loss", DoubleType, false),
            createStructField("loss", DoubleType, false),
            createStructField("delta_loss", DoubleType, false),
            createStructField("delta_mean", DoubleType, false),
            createStructField("delta_std", DoubleType, true),
            createStructField("delta_ci_low", DoubleType, true),
            createStructField("delta_ci_high", DoubleType, true),
            createStructField("frac_hurt", DoubleType, false),
            createStructField("max_delta", DoubleType, false),
            createStructField("grad_proxy", DoubleType, true)));

    public static final StructType ABLATION_DELTAS_SCHEMA = createStructType(List.of(
            createStructField("sample_id", LongType, false),
            createStructField("intervention", StringType, false),
            createStructField("delta_loss", DoubleType, false)));

    private AblationTables() {}
}
