package io.headwise.jobs;

import io.headwise.spark.ExecutorCache;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session jobs run in. Precedence for the master: {@code --master}, then {@code
 * $HEADWISE_MASTER}, then the {@code spark.master} that {@code spark-submit} hands the driver (a
 * system property), then {@code local[*]}. A session already active in this JVM (tests, notebooks,
 * {@code demo} running several jobs) is reused as it is.
 */
public final class Sessions {

    public static final String MASTER_ENV = "HEADWISE_MASTER";
    public static final String MASTER_DEFAULT = "local[*]";

    private Sessions() {}

    public static SparkSession getOrCreate(String masterOption, String appName) {
        var active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return active.get();
        }
        var shared = SparkSession.getDefaultSession();
        if (shared.isDefined() && !shared.get().sparkContext().isStopped()) {
            return shared.get();
        }
        String env = System.getenv(MASTER_ENV);
        String submitted = System.getProperty("spark.master");
        String master = masterOption != null
                ? masterOption
                : env != null && !env.isBlank()
                        ? env
                        : submitted != null && !submitted.isBlank() ? submitted : MASTER_DEFAULT;
        SparkSession.Builder builder = SparkSession.builder().appName(appName).master(master);
        if (master.startsWith("local")) {
            // An embedded run: stay on loopback and keep the UI port closed.
            builder.config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "8");
        }
        SparkSession session = builder.getOrCreate();
        ExecutorCache.checkConf(session.sparkContext().getConf());
        return session;
    }

    /**
     * Stops the session this JVM started, if any, before the process exits. The shutdown hook
     * would stop it too, but on a {@code local-cluster} master the in-process workers are shut
     * down first and relaunch the executors they lose, each launch failing with an error.
     */
    public static void stopOnExit() {
        var shared = SparkSession.getDefaultSession();
        if (shared.isDefined() && !shared.get().sparkContext().isStopped()) {
            shared.get().stop();
        }
    }
}
