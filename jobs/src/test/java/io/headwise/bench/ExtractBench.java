package io.headwise.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.cli.Headwise;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.TorchThreads;
import io.headwise.testing.ExtractFixtures;
import io.headwise.tokenize.CharTokenizer;
import io.headwise.tokenize.TokenizerJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code extract} throughput and memory (bench/run-extract-bench.sh runs it; not part of the build).
 *
 * <pre>
 *   ExtractBench throughput names|gpt2s [SAMPLES] [BATCH]
 *   ExtractBench explain names|gpt2s [SAMPLES] [BATCH]
 *   ExtractBench lens LAYERS POSITIONS D_MODEL VOCAB
 *   ExtractBench memory [SAMPLES]        (run it with -Xmx512m)
 *   ExtractBench fixture DIR SAMPLES     (DIR/model and DIR/tokens only, e.g. for spark-submit)
 * </pre>
 *
 * <p>{@code names}: a names-sized model (makemore's 4 layers × 4 heads × 64 dims, context 32,
 * vocab 27) with random weights on the first names of names.txt. {@code gpt2s}: GPT-2 small's
 * shape (12 layers, 12 heads, 768 dims) with context 128 and vocab 2000, random weights, random
 * samples of 128 tokens; its tokenizer is a stand-in (2,000 single characters), so the job is given
 * {@code --patterns 0.02}, the default for a BPE vocabulary such a model would have. Both report
 * tokens/s of the model alone (forward; forward + backward; the whole Analyzer) on the job's
 * batches, of the whole extract job (local[2], in a JVM of its own; names: twice, the second run
 * warm, see {@code bench.job.runs}), their ratio, the forward FLOP rate against the machine's fp32
 * matmul rate, and the peak heap of the JVM (the executor, in local mode).
 *
 * <p>{@code explain}: what SPEC §6's explanations cost per sample: the same extract job on the same
 * samples with {@code --explain none} and with {@code --explain all} (each in a JVM of its own,
 * {@code bench.job.runs} times, the last run counted), the difference divided by the samples; and
 * the logit lens's unembedding alone at GPT-2's 50,257-token vocabulary ({@code L} read-outs of
 * {@code T} positions, as {@code Explainer} does them), which the stand-in vocabulary of {@code
 * gpt2s} does not show.
 */
public final class ExtractBench {

    /** names.txt's size: the names run takes the whole corpus, as {@code extract} on names would. */
    static final int NAMES = 32_033;

    private ExtractBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "throughput";
        if (mode.equals("job")) {
            job(args[1], Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
        } else if (mode.equals("fixture")) {
            fixture(Path.of(args[1]), Integer.parseInt(args[2]));
        } else if (mode.equals("layout")) {
            layout(
                    args.length > 1 ? args[1] : "names",
                    args.length > 2 ? Integer.parseInt(args[2]) : NAMES,
                    args.length > 3 ? Integer.parseInt(args[3]) : 64);
        } else if (mode.equals("threads")) {
            threads(
                    args.length > 1 ? args[1] : "gpt2s",
                    args.length > 2 ? Integer.parseInt(args[2]) : 32,
                    args.length > 3 ? Integer.parseInt(args[3]) : 8);
        } else if (mode.equals("explain")) {
            String model = args.length > 1 ? args[1] : "names";
            explainCost(
                    model,
                    args.length > 2 ? Integer.parseInt(args[2]) : model.equals("names") ? 2_000 : 4,
                    args.length > 3 ? Integer.parseInt(args[3]) : model.equals("names") ? 64 : 4);
        } else if (mode.equals("lens")) {
            // lens LAYERS POSITIONS D_MODEL VOCAB: the logit lens's read-outs of one sample alone.
            int[] shape = Arrays.stream(args, 1, 5).mapToInt(Integer::parseInt).toArray();
            try (NDManager manager = NDManager.newBaseManager()) {
                System.out.printf(
                        "logit lens, %d layers x %d positions x d_model %d, vocab %,d: %.1f ms per sample%n",
                        shape[0],
                        shape[1],
                        shape[2],
                        shape[3],
                        1e3 * lensSeconds(manager, shape[0], shape[1], shape[2], shape[3], 5));
            }
        } else if (mode.equals("memory")) {
            memory(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
        } else {
            String model = args.length > 1 ? args[1] : "names";
            int samples = args.length > 2 ? Integer.parseInt(args[2]) : model.equals("names") ? NAMES : 64;
            int batch = args.length > 3 ? Integer.parseInt(args[3]) : model.equals("names") ? 64 : 8;
            throughput(model, samples, batch);
        }
    }

    record Input(Path modelDir, String tokenizerJson, List<Row> rows, List<int[]> samples) {}

    static Input names(Path tmp, int n) {
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        List<String> all = ExtractFixtures.allNames();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(all.get(i % all.size()));
        }
        List<Row> rows = ExtractFixtures.nameRows(tokenizer, names);
        List<int[]> samples = names.stream().map(tokenizer::encode).toList();
        Path model = ExtractFixtures.randomModel(
                tmp.resolve("model"), GptConfig.of(27, 32, 64, 4, 4), tokenizer.toTokenizerJson(), 1);
        return new Input(model, tokenizer.toTokenizerJson(), rows, samples);
    }

    static Input gpt2Small(Path tmp, int n) {
        int vocab = 2000;
        List<String> tokens = new ArrayList<>();
        tokens.add(".");
        for (int i = 1; i < vocab; i++) {
            tokens.add(Character.toString(0x4E00 + i)); // one CJK character per token: a 2000-token char vocabulary
        }
        String json = TokenizerJson.charLevel(tokens);
        Random random = new Random(3);
        List<Row> rows = new ArrayList<>();
        List<int[]> samples = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int[] ids = new int[128];
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 1 + random.nextInt(vocab - 1);
                pieces.add(tokens.get(ids[i]));
            }
            samples.add(ids);
            rows.add(ExtractFixtures.tokensRow(ExtractFixtures.sampleId(s + 1), s + 1, ids, pieces));
        }
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), GptConfig.of(vocab, 128, 768, 12, 12), json, 1);
        return new Input(model, json, rows, samples);
    }

    private static void throughput(String which, int n, int batch) throws Exception {
        Path tmp = Files.createTempDirectory("extract-bench-");
        Input input = which.equals("names") ? names(tmp, n) : gpt2Small(tmp, n);
        GptConfig config = Checkpoint.readConfig(input.modelDir());
        List<List<int[]>> batches = ModelAlone.batches(input.samples(), batch);
        long tokens = ModelAlone.tokens(batches);
        System.out.printf(
                "%s: %s, %,d samples, %,d tokens, batch %d, %d cores%n",
                which, config, n, tokens, batch, Runtime.getRuntime().availableProcessors());

        double matmul;
        double forward;
        double forwardBackward;
        double analyzer;
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = new Gpt(Checkpoint.read(input.modelDir(), manager));
            matmul = ModelAlone.matmulRate(manager, 1024, 10);
            List<List<int[]>> warm = batches.subList(0, Math.min(2, batches.size()));
            ModelAlone.forward(gpt, manager, warm);
            ModelAlone.forwardBackward(gpt, manager, warm);
            forward = ModelAlone.forward(gpt, manager, batches);
            System.out.printf("  (forward %.1f s)%n", forward);
            forwardBackward = ModelAlone.forwardBackward(gpt, manager, batches);
            System.out.printf("  (forward + backward %.1f s)%n", forwardBackward);
            // -Dbench.analyzer=false skips these two diagnostic passes (long runs of the big model).
            if (Boolean.parseBoolean(System.getProperty("bench.analyzer", "true"))) {
                analyzer = ModelAlone.analyzer(gpt, manager, batches);
                double[] onThread = new double[1];
                Thread other = new Thread(
                        () -> onThread[0] = ModelAlone.analyzer(gpt, manager, batches), "bench-other-thread");
                other.start();
                other.join();
                System.out.printf(
                        "  (Analyzer on the main thread %.1f s, on a new thread %.1f s)%n", analyzer, onThread[0]);
            } else {
                analyzer = Double.NaN;
            }
        }
        double flops = ModelAlone.forwardFlops(batches, config);
        System.out.printf("fp32 matmul (1024², PyTorch CPU)   %8.2f GFLOP/s%n", matmul / 1e9);
        System.out.printf(
                "model alone, forward               %,12.0f tokens/s  (%.2f GFLOP/s = %.0f%% of matmul)%n",
                tokens / forward, flops / forward / 1e9, 100 * flops / forward / matmul);
        System.out.printf("model alone, forward + backward    %,12.0f tokens/s%n", tokens / forwardBackward);
        if (!Double.isNaN(analyzer)) {
            System.out.printf("Analyzer (fwd + bwd + host copies) %,12.0f tokens/s%n", tokens / analyzer);
        }

        Path tokensDir = tokensTable(tmp, input);
        String taskCpus = taskCpus(which);
        List<String> args = new ArrayList<>(List.of(
                "extract",
                "--model",
                input.modelDir().toString(),
                "--tokens",
                tokensDir.toString(),
                "--out",
                tmp.resolve("out").toString(),
                "--batch-size",
                Integer.toString(batch)));
        // -Dbench.patterns=SELECTION overrides the job's --patterns (names: extract's default, all).
        String patterns = System.getProperty("bench.patterns", which.equals("names") ? null : "0.02");
        if (patterns != null) {
            args.addAll(List.of("--patterns", patterns));
        }
        // -Dbench.explain=SELECTION: the job's --explain; default none, so that the job computes the
        // numbers the model-alone passes do (explanations are one more forward and backward pass).
        args.addAll(List.of("--explain", System.getProperty("bench.explain", "none")));
        // The job gets a JVM of its own, as it would in use: PyTorch's OpenMP pool of this JVM's
        // main thread (the model-alone passes above) would make libgomp throttle the spinning of
        // every later pool in the JVM, the job's model threads' among them.
        // -Dbench.job.runs=N: the job N times in its JVM, each into an output directory of its own.
        // The later runs find the JVM warm (classes loaded, code compiled, the model in the cache), which
        // separates a fresh JVM's fixed cost from the per-row cost. Default: 2 for names, 1 for gpt2s.
        int runs = Integer.getInteger("bench.job.runs", which.equals("names") ? 2 : 1);
        String out = inFreshJvm(taskCpus, runs, args);
        System.out.print(out);
        Matcher seconds = Pattern.compile("job_seconds=([0-9.]+)").matcher(out);
        for (int run = 1; seconds.find(); run++) {
            double job = Double.parseDouble(seconds.group(1));
            String label = run == 1
                    ? "extract job (local[2], task.cpus " + taskCpus + ")"
                    : "  again in the same JVM (run " + run + ")";
            System.out.printf(
                    "%-38s %,7.0f tokens/s  (%.1f s): %.0f%% of the model alone (fwd + bwd)%n",
                    label, tokens / job, job, 100 * forwardBackward / job);
        }
    }

    private static void explainCost(String which, int n, int batch) throws Exception {
        Path tmp = Files.createTempDirectory("extract-bench-explain-");
        Input input = which.equals("names") ? names(tmp, n) : gpt2Small(tmp, n);
        GptConfig config = Checkpoint.readConfig(input.modelDir());
        long tokens = input.samples().stream().mapToLong(s -> s.length).sum();
        System.out.printf(
                "%s explain: %s, %,d samples, %,d tokens, batch %d, %d cores%n",
                which, config, n, tokens, batch, Runtime.getRuntime().availableProcessors());
        Path tokensDir = tokensTable(tmp, input);
        String taskCpus = taskCpus(which);
        int runs = Integer.getInteger("bench.job.runs", which.equals("names") ? 2 : 1);
        double[] seconds = new double[2];
        String[] selections = {"none", "all"};
        for (int i = 0; i < 2; i++) {
            String out = inFreshJvm(
                    taskCpus,
                    runs,
                    List.of(
                            "extract",
                            "--model",
                            input.modelDir().toString(),
                            "--tokens",
                            tokensDir.toString(),
                            "--out",
                            tmp.resolve("out-" + selections[i]).toString(),
                            "--batch-size",
                            Integer.toString(batch),
                            "--patterns",
                            "all",
                            "--explain",
                            selections[i]));
            System.out.print(out);
            Matcher matcher = Pattern.compile("job_seconds=([0-9.]+)").matcher(out);
            while (matcher.find()) {
                seconds[i] = Double.parseDouble(matcher.group(1)); // the last run: the warmest
            }
        }
        System.out.printf("extract --explain none  %8.1f s  %8.1f ms per sample%n", seconds[0], 1e3 * seconds[0] / n);
        System.out.printf("extract --explain all   %8.1f s  %8.1f ms per sample%n", seconds[1], 1e3 * seconds[1] / n);
        System.out.printf(
                "explanations            %8.1f ms per explained sample (%d tokens each: rollout, grad_rollout,"
                        + " value_weighted, logit_lens)%n",
                1e3 * (seconds[1] - seconds[0]) / n, input.samples().get(0).length);
        try (NDManager manager = NDManager.newBaseManager()) {
            int t = input.samples().get(0).length;
            double lens = lensSeconds(manager, config.nLayer(), t, config.nEmbd(), 50_257, 5);
            System.out.printf(
                    "logit lens at vocab 50,257: %.1f ms per sample (%d layers x %d positions x d_model %d;"
                            + " at this model's vocab %,d: %.1f ms)%n",
                    1e3 * lens,
                    config.nLayer(),
                    t,
                    config.nEmbd(),
                    config.vocabSize(),
                    1e3 * lensSeconds(manager, config.nLayer(), t, config.nEmbd(), config.vocabSize(), 5));
        }
    }

    /**
     * Seconds per sample of the logit lens's read-outs as {@code Explainer} computes them: per layer
     * {@code [T, C] × [C, V]}, log-softmax, arg max and max (the layer norm left out), random values.
     */
    private static double lensSeconds(NDManager manager, int layers, int t, int c, int v, int reps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray unembedding = m.randomNormal(new Shape(v, c)).transpose();
            NDArray x = m.randomNormal(new Shape(1, t, c));
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < reps + 1; rep++) {
                long started = System.nanoTime();
                for (int l = 0; l < layers; l++) {
                    try (NDManager pass = m.newSubManager()) {
                        NDArray logits = x.matMul(unembedding);
                        logits.attach(pass);
                        NDArray logProbs = logits.logSoftmax(-1);
                        logits.argMax(-1).toLongArray();
                        logProbs.max(new int[] {-1}).toFloatArray();
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                best = rep == 0 ? best : Math.min(best, seconds); // the first warms up
            }
            return best;
        }
    }

    /** Writes {@code input}'s rows as a {@code tokens} table under {@code tmp}, on a session of its own. */
    private static Path tokensTable(Path tmp, Input input) {
        SparkSession spark = localSession("extract-bench-tokens", "2");
        try {
            return ExtractFixtures.writeTokens(spark, tmp.resolve("tokens"), input.rows(), input.tokenizerJson(), 2);
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs {@code args} through the CLI in a child JVM ({@link #job}) and returns what it printed
     * (any job: {@link AblateBench} runs ablate this way too).
     */
    static String inFreshJvm(String taskCpus, int runs, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        // -Dbench.job.jvm=OPTIONS: options for the job's JVM only (e.g. a flight recording of the job).
        for (String option : System.getProperty("bench.job.jvm", "").split(" ")) {
            if (!option.isBlank()) {
                command.add(option);
            }
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                ExtractBench.class.getName(),
                "job",
                taskCpus,
                Integer.toString(runs)));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the job's JVM failed: " + out);
        }
        return out;
    }

    /**
     * The child JVM of {@link #inFreshJvm}: the job on local[2] {@code runs} times (run 2 onwards
     * into {@code --out} + {@code -runN}), each one's wall time and peak heap.
     */
    private static void job(String taskCpus, int runs, String[] args) {
        SparkSession spark = localSession("extract-bench", taskCpus);
        for (int run = 1; run <= runs; run++) {
            String[] runArgs = args.clone();
            if (run > 1) {
                int at = Arrays.asList(runArgs).indexOf("--out") + 1;
                runArgs[at] = runArgs[at] + "-run" + run;
            }
            long started = System.nanoTime();
            String out;
            long peakSampled;
            try (HeapWatch watch = new HeapWatch()) {
                out = run(runArgs);
                peakSampled = watch.sampledPeak();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.print(out);
            System.out.printf(
                    "peak heap: %,d MB sampled, %,d MB sum of pool peaks, max heap %,d MB%n",
                    peakSampled >> 20, HeapWatch.poolPeaks() >> 20, HeapWatch.maxHeap() >> 20);
            System.out.printf("job_seconds=%.3f%n", seconds);
        }
        spark.stop();
    }

    /**
     * The job's {@code spark.task.cpus}: {@code -Dbench.task.cpus}, else the layout
     * conf/spark-defaults.extract.conf recommends: for the names model Spark's own default (a task
     * per core, one PyTorch thread each), for GPT-2-sized ones a task owning the cores.
     */
    static String taskCpus(String which) {
        return System.getProperty(
                "bench.task.cpus",
                which.equals("names")
                        ? "1"
                        : Integer.toString(Runtime.getRuntime().availableProcessors()));
    }

    static SparkSession localSession(String name, String taskCpus) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.task.cpus", taskCpus)
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /**
     * Forward + backward over the same batches: on the main thread with every core in PyTorch's
     * pool, with one, and split over two threads of one PyTorch thread each (what two tasks of
     * {@code spark.task.cpus 1} do).
     */
    private static void layout(String which, int n, int batch) throws Exception {
        Path tmp = Files.createTempDirectory("extract-bench-layout-");
        Input input = which.equals("names") ? names(tmp, n) : gpt2Small(tmp, n);
        List<List<int[]>> batches = ModelAlone.batches(input.samples(), batch);
        long tokens = ModelAlone.tokens(batches);
        int cores = Runtime.getRuntime().availableProcessors();
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = new Gpt(Checkpoint.read(input.modelDir(), manager));
            ModelAlone.forwardBackward(gpt, manager, batches.subList(0, 2));
            for (int rep = 0; rep < 2; rep++) {
                TorchThreads.intraOpThreads(cores);
                double all = ModelAlone.forwardBackward(gpt, manager, batches);
                System.out.printf(
                        "fwd+bwd, 1 thread x %d PyTorch threads: %.1f s, %,.0f tokens/s%n", cores, all, tokens / all);
                double analyzer = ModelAlone.analyzer(gpt, manager, batches);
                System.out.printf(
                        "Analyzer, 1 thread x %d PyTorch threads: %.1f s, %,.0f tokens/s%n",
                        cores, analyzer, tokens / analyzer);
                TorchThreads.intraOpThreads(1);
                double one = ModelAlone.forwardBackward(gpt, manager, batches);
                System.out.printf("fwd+bwd, 1 thread x 1 PyTorch thread: %.1f s, %,.0f tokens/s%n", one, tokens / one);
                long start = System.nanoTime();
                List<Thread> threads = new ArrayList<>();
                for (int c = 0; c < cores; c++) {
                    List<List<int[]>> share = new ArrayList<>();
                    for (int b = c; b < batches.size(); b += cores) {
                        share.add(batches.get(b));
                    }
                    Thread thread = new Thread(() -> {
                        TorchThreads.intraOpThreads(1);
                        ModelAlone.analyzer(gpt, manager, share);
                    });
                    thread.start();
                    threads.add(thread);
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                double split = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        "Analyzer, %d threads x 1 PyTorch thread: %.1f s, %,.0f tokens/s%n",
                        cores, split, tokens / split);
            }
        }
    }

    /** The Analyzer on the main thread, on a new thread, and on a new thread with grad mode off. */
    private static void threads(String which, int n, int batch) throws Exception {
        Path tmp = Files.createTempDirectory("extract-bench-threads-");
        Input input = which.equals("names") ? names(tmp, n) : gpt2Small(tmp, n);
        List<List<int[]>> batches = ModelAlone.batches(input.samples(), batch);
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = new Gpt(Checkpoint.read(input.modelDir(), manager));
            ModelAlone.analyzer(gpt, manager, batches.subList(0, 1));
            System.out.printf(
                    "intra-op threads: main %d, new thread %d%n",
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                    (int) onThread(() -> ai.djl.pytorch.jni.JniUtils.getNumThreads()));
            for (int rep = 0; rep < 2; rep++) {
                System.out.printf("main thread %.2f s%n", ModelAlone.analyzer(gpt, manager, batches));
                System.out.printf(
                        "new thread, %d intra-op threads set %.2f s%n",
                        Runtime.getRuntime().availableProcessors(), onThread(() -> {
                            ai.djl.pytorch.jni.JniUtils.setNumThreads(
                                    Runtime.getRuntime().availableProcessors());
                            return ModelAlone.analyzer(gpt, manager, batches);
                        }));
                System.out.printf("new thread %.2f s%n", onThread(() -> ModelAlone.analyzer(gpt, manager, batches)));
                System.out.printf(
                        "new thread, grad mode off %.2f s%n",
                        onThread(() -> {
                            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
                            return ModelAlone.analyzer(gpt, manager, batches);
                        }));
            }
        }
    }

    private static double onThread(java.util.function.DoubleSupplier work) throws InterruptedException {
        double[] result = new double[1];
        Thread thread = new Thread(() -> result[0] = work.getAsDouble());
        thread.start();
        thread.join();
        return result[0];
    }

    private static void memory(int n) throws Exception {
        Path tmp = Files.createTempDirectory("extract-bench-mem-");
        Input input = names(tmp, n);
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("extract-bench-memory")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.task.cpus", "2")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        Path tokensDir =
                ExtractFixtures.writeTokens(spark, tmp.resolve("tokens"), input.rows(), input.tokenizerJson(), 2);
        input = null; // the rows are on disk now; keep the heap for the job
        long started = System.nanoTime();
        String out;
        long peakSampled;
        try (HeapWatch watch = new HeapWatch()) {
            out = run(
                    "extract",
                    "--model",
                    tmp.resolve("model").toString(),
                    "--tokens",
                    tokensDir.toString(),
                    "--out",
                    tmp.resolve("out").toString(),
                    "--batch-size",
                    "64");
            peakSampled = watch.sampledPeak();
        }
        System.out.print(out);
        System.out.printf(
                "%,d samples in %.1f s; peak heap %,d MB sampled, %,d MB sum of pool peaks, max heap %,d MB%n",
                n,
                (System.nanoTime() - started) / 1e9,
                peakSampled >> 20,
                HeapWatch.poolPeaks() >> 20,
                HeapWatch.maxHeap() >> 20);
        spark.stop();
    }

    /** Writes DIR/model (random names model) and DIR/tokens (N names), e.g. to try spark-submit. */
    private static void fixture(Path dir, int n) {
        Input input = names(dir, n);
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("extract-bench-fixture")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        ExtractFixtures.writeTokens(spark, dir.resolve("tokens"), input.rows(), input.tokenizerJson(), 2);
        spark.stop();
        System.out.printf("%s/model and %s/tokens (%,d names)%n", dir, dir, n);
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Headwise.execute(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        if (code != 0) {
            throw new IllegalStateException("extract failed (" + code + "): " + err.toString(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
