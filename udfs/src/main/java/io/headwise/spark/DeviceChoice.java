package io.headwise.spark;

import ai.djl.Device;
import io.headwise.BadInputException;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device an extract task runs its model on. {@code cpu}: the CPU. {@code gpu}: the first GPU
 * address Spark assigned to the task ({@code spark.task.resource.gpu.amount}, see
 * conf/spark-defaults.extract.conf); a task without one fails. {@code auto}: that GPU when the task
 * has one, else the CPU. Tasks never pick a GPU themselves, so two tasks never share one by
 * accident.
 */
public final class DeviceChoice {

    public static final String AUTO = "auto";
    public static final String CPU = "cpu";
    public static final String GPU = "gpu";

    private DeviceChoice() {}

    /** Checks the {@code --device} value on the driver. */
    public static String check(String mode) {
        if (!mode.equals(AUTO) && !mode.equals(CPU) && !mode.equals(GPU)) {
            throw new BadInputException("--device must be auto, cpu or gpu, got '%s'", mode);
        }
        return mode;
    }

    /** The device for the running task (CPU outside a task). */
    public static Device forTask(String mode) {
        if (mode.equals(CPU)) {
            return Device.cpu();
        }
        TaskContext task = TaskContext.get();
        Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
        ResourceInformation gpus = resources.get(GPU);
        if (gpus != null && gpus.addresses().length > 0) {
            return Device.gpu(Integer.parseInt(gpus.addresses()[0].strip()));
        }
        if (mode.equals(GPU)) {
            throw new IllegalStateException(
                    "--device gpu: this task was given no GPU; set spark.task.resource.gpu.amount and "
                            + "spark.executor.resource.gpu.amount (conf/spark-defaults.gpu.conf)");
        }
        return Device.cpu();
    }
}
