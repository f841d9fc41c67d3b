package io.headwise.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.jobs.Tables;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptOutput;
import io.headwise.model.GradientScope;
import io.headwise.model.InterventionPass;
import io.headwise.spark.AblatePartition;
import io.headwise.spark.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ablate --sweep zero} throughput against the model alone (bench/run-ablate-bench.sh runs
 * it; not part of the build).
 *
 * <pre>
 *   AblateBench names|gpt2s [SAMPLES] [BATCH]
 * </pre>
 *
 * <p>The models and samples of {@link ExtractBench} (names: a random names-sized model on the
 * first names of names.txt; gpt2s: GPT-2 small's shape with 128-token random samples). The model
 * alone runs, per batch of {@code B} samples in the job's order, the same {@code (L·H + 1)·B} rows
 * as the job (the model, then each head zeroed through the gates) split into passes as the job
 * splits them, each pass's losses copied to the host; then the one forward and backward pass of
 * {@code B} rows the job adds for {@code grad_proxy}. The job runs on local[2] in a JVM of its own.
 * Both are reported in sample-rows per second ({@code (L·H + 1)} rows per sample).
 */
public final class AblateBench {

    private AblateBench() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "names";
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : which.equals("names") ? ExtractBench.NAMES : 16;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : which.equals("names") ? 16 : 4;
        Path tmp = Files.createTempDirectory("ablate-bench-");
        ExtractBench.Input input =
                which.equals("names") ? ExtractBench.names(tmp, samples) : ExtractBench.gpt2Small(tmp, samples);
        GptConfig config = Checkpoint.readConfig(input.modelDir());
        int k = config.nLayer() * config.nHead() + 1;
        int maxRows = InterventionPass.rowsWithinBudget(config, config.nPositions(), AblatePartition.MAX_ROWS);

        // The job's batches: the tokens table in the samples' order, in two files (local[2]'s two
        // slices of the list), each cut into batches of B.
        SparkSession spark = ExtractBench.localSession("ablate-bench-tokens", "2");
        Tables.write(
                spark.createDataFrame(input.rows(), Schemas.TOKENS_SCHEMA),
                tmp.resolve("tokens").toString(),
                Schemas.TOKENS);
        Files.writeString(tmp.resolve("tokens").resolve("tokenizer.json"), input.tokenizerJson());
        spark.stop();
        List<List<int[]>> batches = new ArrayList<>();
        int half = input.samples().size() / 2;
        for (List<int[]> slice : List.of(
                input.samples().subList(0, half),
                input.samples().subList(half, input.samples().size()))) {
            for (int i = 0; i < slice.size(); i += batch) {
                batches.add(slice.subList(i, Math.min(slice.size(), i + batch)));
            }
        }
        long tokens = ModelAlone.tokens(batches);
        System.out.printf(
                "%s: %s, %,d samples, %,d tokens, batch %d, %d interventions + the model = %d rows per sample,"
                        + " at most %d rows per pass, %d cores%n",
                which,
                config,
                samples,
                tokens,
                batch,
                k - 1,
                k,
                maxRows,
                Runtime.getRuntime().availableProcessors());

        double forwards;
        double gradient;
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = new Gpt(Checkpoint.read(input.modelDir(), manager));
            // Two batches to warm up, unless that would be a large part of the run (a few big batches).
            List<List<int[]>> warm = batches.subList(0, batches.size() >= 8 ? 2 : 0);
            sweep(gpt, manager, warm, maxRows);
            forwards = sweep(gpt, manager, batches, maxRows);
            System.out.printf("  (model alone, (L·H + 1) forward rows per sample: %.1f s)%n", forwards);
            gradient = gateGradient(gpt, manager, batches);
            System.out.printf("  (model alone, the gate gradient pass: %.1f s)%n", gradient);
        }
        double rows = (double) samples * k;
        System.out.printf(
                "model alone, forwards            %,10.2f sample-rows/s  (%,.0f tokens/s through the model)%n",
                rows / forwards, tokens * k / forwards);
        System.out.printf("model alone, forwards + gradient %,10.2f sample-rows/s%n", rows / (forwards + gradient));

        String taskCpus = ExtractBench.taskCpus(which);
        String out = ExtractBench.inFreshJvm(
                taskCpus,
                1,
                List.of(
                        "ablate",
                        "--model",
                        input.modelDir().toString(),
                        "--tokens",
                        tmp.resolve("tokens").toString(),
                        "--out",
                        tmp.resolve("out").toString(),
                        "--sweep",
                        "zero",
                        "--batch-size",
                        Integer.toString(batch)));
        System.out.print(out);
        Matcher seconds = Pattern.compile("job_seconds=([0-9.]+)").matcher(out);
        if (seconds.find()) {
            double job = Double.parseDouble(seconds.group(1));
            System.out.printf(
                    "ablate job (local[2], task.cpus %s)  %,10.2f sample-rows/s  (%.1f s): %.0f%% of the model alone's"
                            + " forwards, %.0f%% of forwards + gradient%n",
                    taskCpus, rows / job, job, 100 * forwards / job, 100 * (forwards + gradient) / job);
        }
    }

    /** Seconds for every batch's {@code (L·H + 1)·B} rows, in passes of at most {@code maxRows} rows. */
    static double sweep(Gpt gpt, NDManager manager, List<List<int[]>> batches, int maxRows) {
        GptConfig config = gpt.config();
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        int k = nLayer * nHead + 1;
        GradientScope.gradModeOff(manager);
        long start = System.nanoTime();
        for (List<int[]> b : batches) {
            int perPass = Math.max(1, maxRows / b.size());
            for (int from = 0; from < k; from += perPass) {
                int n = Math.min(k, from + perPass) - from;
                try (NDManager m = manager.newSubManager()) {
                    NDArray rows = ids(m, b).tile(new long[] {n, 1});
                    float[] gates = new float[n * b.size() * nLayer * nHead];
                    java.util.Arrays.fill(gates, 1f);
                    for (int i = 0; i < n; i++) {
                        int head = from + i - 1; // intervention 0 is the model itself
                        if (head < 0) {
                            continue;
                        }
                        for (int s = 0; s < b.size(); s++) {
                            gates[((i * b.size() + s) * nLayer * nHead) + head] = 0f;
                        }
                    }
                    GptOutput out = gpt.forward(
                            gpt.embed(rows), m.create(gates, new Shape(n * b.size(), nLayer, nHead)), false);
                    Gpt.tokenLosses(out.logits(), rows).toFloatArray();
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for the gate gradient of every batch (one forward and backward of B rows). */
    static double gateGradient(Gpt gpt, NDManager manager, List<List<int[]>> batches) {
        return ModelAlone.forwardBackward(gpt, manager, batches);
    }

    private static NDArray ids(NDManager m, List<int[]> b) {
        int t = b.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] padded = new long[b.size() * t];
        for (int i = 0; i < b.size(); i++) {
            for (int j = 0; j < b.get(i).length; j++) {
                padded[i * t + j] = b.get(i)[j];
            }
        }
        return m.create(padded, new Shape(b.size(), t));
    }
}
