package io.headwise.spark;

import org.apache.spark.TaskContext;

/**
 * Faults a test can switch on, to show that a failed task attempt changes nothing but the time;
 * off unless the JVM has the system property. With {@value #FAIL_FIRST_ATTEMPT}{@code =P}, the
 * first attempt of {@code extract}'s partition {@code P} fails after writing its first batch's rows
 * into its attempt files; Spark runs the task again when {@code spark.task.maxFailures} allows
 * (on {@code local[N,F]}, F attempts).
 */
public final class InjectedFaults {

    /** The system property naming the partition whose first attempt fails. */
    public static final String FAIL_FIRST_ATTEMPT = "headwise.faults.failFirstAttemptOfPartition";

    private InjectedFaults() {}

    /** Throws if {@code task} is the first attempt of the partition the property names. */
    static void afterFirstBatch(TaskContext task) {
        String partition = System.getProperty(FAIL_FIRST_ATTEMPT);
        if (partition != null
                && task != null
                && task.attemptNumber() == 0
                && task.partitionId() == Integer.parseInt(partition)) {
            throw new IllegalStateException(
                    "injected fault: attempt 0 of partition " + partition + " fails after its first batch");
        }
    }
}
