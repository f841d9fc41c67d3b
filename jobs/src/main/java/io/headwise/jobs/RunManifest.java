package io.headwise.jobs;

import io.headwise.spark.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One {@code run_manifest} row per job run (SPEC §3): what ran, on what, with which code and
 * metric definitions, and how many rows it wrote. Appended, so a run directory keeps its history.
 */
public final class RunManifest {

    /** The version of this code (the Maven project version, from the jar manifest when packaged). */
    public static final String CODE_VERSION = codeVersion();

    private final JobContext context;
    private String modelDir;
    private String modelConfig;
    private List<String> inputPaths = List.of();
    private final Map<String, Long> rowCounts = new LinkedHashMap<>();
    private final List<WrittenTable> written = new ArrayList<>();
    private final Map<String, String> details = new LinkedHashMap<>();

    public RunManifest(JobContext context) {
        this.context = context;
    }

    public RunManifest model(String dir, String configJson) {
        this.modelDir = dir;
        this.modelConfig = configJson;
        return this;
    }

    public RunManifest inputs(List<String> paths) {
        this.inputPaths = List.copyOf(paths);
        return this;
    }

    /** Records {@code count} rows written to {@code table} and prints it. */
    public RunManifest rows(String table, String where, long count) {
        rowCounts.put(table, count);
        written.add(new WrittenTable(table, where, count));
        context.print("%-14s %,12d rows  %s", table, count, where);
        return this;
    }

    public RunManifest detail(String key, String value) {
        details.put(key, value);
        return this;
    }

    /** The tables recorded by {@link #rows}, in that order: what a job's result reports. */
    public List<WrittenTable> written() {
        return List.copyOf(written);
    }

    /** Appends the row to {@code runDir/run_manifest}. */
    public void append(String runDir) {
        Row row = RowFactory.create(
                context.job(),
                CollectionConverters.asScala(context.arguments()).toSeq(),
                modelDir,
                modelConfig,
                CollectionConverters.asScala(inputPaths).toSeq(),
                CODE_VERSION,
                Schemas.METRICS_VERSION,
                Timestamp.from(context.started()),
                Timestamp.from(Instant.now()),
                CollectionConverters.asScala(rowCounts),
                CollectionConverters.asScala(details),
                true);
        context.spark()
                .createDataFrame(List.of(row), Schemas.RUN_MANIFEST_SCHEMA)
                .coalesce(1)
                .write()
                .mode(SaveMode.Append)
                .parquet(Tables.path(runDir, Schemas.RUN_MANIFEST));
    }

    private static String codeVersion() {
        String version = RunManifest.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
