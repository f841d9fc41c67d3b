package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Refuses to combine tables made by different models: the latest {@code run_manifest} rows of the
 * jobs that ran a model over the run directory must name the same model directory and the same
 * {@code config.json}.
 */
final class ModelCheck {

    private ModelCheck() {}

    /**
     * @param jobs the jobs whose tables are combined, e.g. {@code extract} and {@code probe}
     * @throws BadInputException naming both jobs and both models when they differ
     */
    static void requireOneModel(SparkSession spark, String runDir, List<String> jobs) {
        Dataset<Row> manifest = Tables.readIfPresent(spark, runDir, Schemas.RUN_MANIFEST);
        if (manifest == null) {
            return;
        }
        // One row per job (its latest run): a handful of rows.
        List<Row> latest = manifest.where(col("job").isin(jobs.toArray()))
                .groupBy("job")
                .agg(max_by(struct(col("model_dir"), col("model_config")), col("ended_at"))
                        .as("model"))
                .orderBy("job")
                .collectAsList();
        for (int i = 1; i < latest.size(); i++) {
            Row first = latest.get(0);
            Row other = latest.get(i);
            Row a = first.getStruct(1);
            Row b = other.getStruct(1);
            if (!Objects.equals(normalize(a.getString(0)), normalize(b.getString(0)))
                    || !sameConfig(a.getString(1), b.getString(1))) {
                throw new BadInputException(
                        "%s: tables from two different models: `%s` ran %s, `%s` ran %s; rerun one of them on the other's model",
                        runDir, first.getString(0), describe(a), other.getString(0), describe(b));
            }
        }
    }

    private static String describe(Row model) {
        return model.getString(0) != null ? model.getString(0) : "a model with no recorded directory";
    }

    /**
     * Jobs record the model directory as typed or as an absolute path; local paths ({@code file:}
     * URIs included) compare absolute and normalised, other URIs as written.
     */
    static String normalize(String dir) {
        if (dir == null) {
            return null;
        }
        String local = dir.startsWith("file:") ? dir.substring("file:".length()).replaceFirst("^//(?=/)", "") : dir;
        if (local.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return local;
        }
        return java.nio.file.Path.of(local).toAbsolutePath().normalize().toString();
    }

    /** Configs compare as JSON, so formatting and key order do not matter. */
    static boolean sameConfig(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        try {
            JsonElement x = JsonParser.parseString(a);
            JsonElement y = JsonParser.parseString(b);
            return x.equals(y);
        } catch (RuntimeException e) {
            return a.equals(b);
        }
    }
}
