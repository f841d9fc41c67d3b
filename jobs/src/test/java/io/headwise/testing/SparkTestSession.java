package io.headwise.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession that integration tests ({@code *IT}) of a JVM share: UI
 * off, bound to loopback, few shuffle partitions, ANSI mode left on (Spark 4's default). Jobs run
 * through the CLI reuse it because it is the active session.
 */
public final class SparkTestSession {

    private static SparkSession session;

    private SparkTestSession() {}

    public static synchronized SparkSession get() {
        if (session == null || session.sparkContext().isStopped()) {
            session = SparkSession.builder()
                    .appName("headwise-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.sql.warehouse.dir", "target/spark-warehouse")
                    .getOrCreate();
        }
        SparkSession.setActiveSession(session);
        SparkSession.setDefaultSession(session);
        return session;
    }
}
