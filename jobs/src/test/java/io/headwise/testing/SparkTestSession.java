package io.headwise.testing;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code local[2]} SparkSession shared by all integration tests in a JVM.
 *
 * <p>Starting Spark takes seconds, so the session is started on first use and left running until
 * the JVM exits (Spark's own shutdown hook stops it then); tests must not stop it (use {@link #stop()} only to make room for a
 * {@link LocalClusterSession}, which does that itself). Settings: UI off, driver bound to
 * 127.0.0.1, 4 shuffle partitions, ANSI mode on as in production, warehouse under
 * {@code target/}. Tests write their tables to their own temporary directories.
 */
public final class SparkTestSession {

    private static final Logger LOG = LoggerFactory.getLogger(SparkTestSession.class);

    private static SparkSession session;

    private SparkTestSession() {}

    /** The shared session, started if it is not running. */
    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = start();
        }
        // Jobs run through the CLI pick up the active session instead of starting their own.
        SparkSession.setActiveSession(session);
        return session;
    }

    /** Stops the shared session, if it runs; the next {@link #get()} starts a new one. */
    public static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }

    private static SparkSession start() {
        long started = System.nanoTime();
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("headwise-it")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.ansi.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .config(
                        "spark.sql.warehouse.dir",
                        TestEnvironment.buildDir().resolve("spark-warehouse").toString())
                .getOrCreate();
        LOG.info("local[2] SparkSession started in {} ms", (System.nanoTime() - started) / 1_000_000);
        return spark;
    }
}
