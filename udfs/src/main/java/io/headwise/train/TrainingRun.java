package io.headwise.train;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.model.Checkpoint;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A training run into a model directory (SPEC §2), from samples in memory or streamed ({@link
 * Data}): the held-out split ({@code heldout.txt}), the curve ({@code curve.csv}), the best
 * checkpoint ({@code config.json} with the run's metadata under {@code "headwise"}, {@code
 * model.safetensors}, {@code tokenizer.json}) and the optimiser state of that checkpoint ({@code
 * optimizer.safetensors}), from which {@code --resume} continues.
 *
 * <p>The checkpoint kept is the one with the lowest held-out loss, so a resumed run continues from
 * that step; curve rows after it are dropped.
 */
public final class TrainingRun {

    public static final String HELDOUT_FILE = "heldout.txt";
    public static final String CURVE_FILE = "curve.csv";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";

    /** The key, in the checkpoint's metadata, of {@value #OPTIMIZER_FILE}'s SHA-256. */
    static final String OPTIMIZER_SHA256 = "optimizer_sha256";
    /** Files a run writes; {@code --overwrite} deletes exactly these. */
    static final List<String> FILES = List.of(
            Checkpoint.CONFIG_FILE,
            Checkpoint.WEIGHTS_FILE,
            Checkpoint.TOKENIZER_FILE,
            OPTIMIZER_FILE,
            HELDOUT_FILE,
            CURVE_FILE);

    /**
     * One sample of the corpus.
     *
     * @param sampleId the {@code tokens} table's id, which decides the held-out split
     * @param ids {@code [T]} token ids
     */
    public record Sample(long sampleId, int[] ids) {}

    /**
     * What a run trains and evaluates on, held in memory ({@link #inMemory}) or streamed (the
     * {@code train} job builds one around a {@link ShuffleBuffer}).
     *
     * @param batches the training batches
     * @param trainEval the training samples the train loss is measured on
     * @param testEval the held-out samples the held-out loss is measured on (may be empty)
     * @param heldOut every held-out {@code sample_id}, ascending ({@code heldout.txt})
     * @param nTrain training samples in the corpus
     * @param description how the samples are read, for config.json ({@code "memory"} or a stream's)
     */
    public record Data(
            BatchSource batches,
            List<int[]> trainEval,
            List<int[]> testEval,
            long[] heldOut,
            long nTrain,
            String description) {

        public long nTest() {
            return heldOut.length;
        }

        /**
         * {@code samples} held in memory: split by {@link HeldOut}, batches drawn uniformly with
         * replacement, the train loss measured on a fixed shuffle of the training samples and the
         * held-out loss on the first held-out samples in the corpus' order.
         *
         * @throws BadInputException naming the sample when one cannot be trained on
         */
        public static Data inMemory(
                List<Sample> samples, GptConfig model, TrainConfig train, double testFraction, boolean charLevel) {
            if (samples.isEmpty()) {
                throw new BadInputException("the tokens table has no samples");
            }
            long[] ids = samples.stream().mapToLong(Sample::sampleId).toArray();
            Set<Long> held = HeldOut.select(ids, HeldOut.testCount(samples.size(), testFraction, charLevel));
            List<int[]> trainSamples = new ArrayList<>();
            List<int[]> test = new ArrayList<>();
            for (Sample s : samples) {
                (held.contains(s.sampleId()) ? test : trainSamples).add(s.ids());
            }
            GptTrainer.checkSamples(trainSamples, model, "training");
            GptTrainer.checkSamples(test, model, "held-out");
            return new Data(
                    BatchSource.uniform(trainSamples, train.batchSize(), train.seed()),
                    GptTrainer.evalSubset(trainSamples, train),
                    GptTrainer.testEval(test, train),
                    held.stream().mapToLong(Long::longValue).sorted().toArray(),
                    trainSamples.size(),
                    "memory");
        }
    }

    /**
     * What to train and where.
     *
     * @param modelDir the model directory to create (or continue)
     * @param model the architecture (a resumed run must match the saved one)
     * @param train the run's hyper-parameters
     * @param tokenizer the tokenizer.json to copy into the model directory
     * @param charLevel whether the corpus is char-level (caps the held-out set at 1,000)
     * @param testFraction the held-out fraction, see {@link HeldOut#testCount}
     * @param resume continue an existing run
     * @param overwrite replace an existing model directory
     * @param metadata extra facts for config.json's {@code "headwise"} object (preset, tokens table…)
     */
    public record Spec(
            Path modelDir,
            GptConfig model,
            TrainConfig train,
            Path tokenizer,
            boolean charLevel,
            double testFraction,
            boolean resume,
            boolean overwrite,
            JsonObject metadata) {}

    /**
     * What a run did.
     *
     * @param startStep the step it started from (0, or the resumed checkpoint's)
     * @param last the last evaluation
     * @param best the best evaluation (whose checkpoint is in the model directory)
     * @param nTrain training samples
     * @param nTest held-out samples
     * @param seconds wall time of this run (a resumed run counts from its resumption)
     * @param tokensTrained target tokens trained on in this run
     */
    public record Result(
            int startStep,
            Evaluation last,
            Evaluation best,
            long nTrain,
            long nTest,
            double seconds,
            long tokensTrained) {

        /** Target tokens per second of wall time in this run. */
        public double tokensPerSecond() {
            return seconds > 0 ? tokensTrained / seconds : Double.NaN;
        }
    }

    private TrainingRun() {}

    /** Runs {@code spec} on {@code samples}, held in memory; progress goes to {@code err}. */
    public static Result run(Spec spec, List<Sample> samples, PrintStream err) throws IOException {
        return run(
                spec, Data.inMemory(samples, spec.model(), spec.train(), spec.testFraction(), spec.charLevel()), err);
    }

    /** Runs {@code spec} on {@code data}; progress goes to {@code err}. */
    public static Result run(Spec spec, Data data, PrintStream err) throws IOException {
        Path dir = spec.modelDir();
        prepare(spec, err);
        long[] heldOut = data.heldOut();
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights;
            JsonObject saved = null;
            if (spec.resume()) {
                checkComplete(dir);
                checkHeldOut(dir, heldOut);
                weights = Checkpoint.read(dir, manager);
                if (!weights.config().equals(spec.model())) {
                    throw new BadInputException(
                            "%s: --resume with a different architecture: the model directory has %s, the options give %s",
                            dir, weights.config(), spec.model());
                }
                saved = Checkpoint.readMetadata(dir);
            } else {
                weights = GptWeights.random(
                        spec.model(), manager, spec.train().seed(), spec.train().init());
                writeHeldOut(dir, heldOut);
            }
            try (GptTrainer trainer = new GptTrainer(weights, spec.train(), manager)) {
                int start = 0;
                if (saved != null) {
                    start = saved.get("steps_done").getAsInt();
                    trainer.resume(
                            Checkpoint.readTensors(dir.resolve(OPTIMIZER_FILE), manager),
                            start,
                            saved.get("elapsed_seconds").getAsDouble(),
                            saved.get("tokens_trained").getAsLong(),
                            saved.get("best_loss").getAsDouble());
                }
                if (start >= spec.train().steps()) {
                    throw new BadInputException(
                            "%s: already trained for %d steps; pass a larger --steps to continue", dir, start);
                }
                RunRecorder recorder = new RunRecorder(spec, trainer, data, start);
                trainer.addListener(new TrainProgress(err, start, spec.train().steps()))
                        .addListener(recorder);
                long t0 = System.nanoTime();
                Evaluation last = trainer.train(data.batches(), data.trainEval(), data.testEval());
                double seconds = (System.nanoTime() - t0) / 1e9;
                long startTokens =
                        saved == null ? 0 : saved.get("tokens_trained").getAsLong();
                return new Result(
                        start,
                        last,
                        recorder.best(),
                        data.nTrain(),
                        data.nTest(),
                        seconds,
                        last.tokens() - startTokens);
            }
        }
    }

    private static void prepare(Spec spec, PrintStream err) throws IOException {
        Path dir = spec.modelDir();
        boolean exists = Files.exists(dir) && (!Files.isDirectory(dir) || hasEntries(dir));
        if (exists && Files.isDirectory(dir) && (spec.resume() || spec.overwrite())) {
            removePartialFiles(dir, err);
        }
        if (spec.resume()) {
            if (!Files.isRegularFile(dir.resolve(Checkpoint.CONFIG_FILE))
                    || !Files.isRegularFile(dir.resolve(OPTIMIZER_FILE))) {
                throw new BadInputException(
                        "%s: nothing to resume (--resume needs a model directory written by `headwise train`, with %s)",
                        dir, OPTIMIZER_FILE);
            }
            return;
        }
        if (exists && !spec.overwrite()) {
            throw new BadInputException(
                    "%s already exists; pass --resume to continue training it or --overwrite to replace it", dir);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException("%s: --out is a file, not a directory", dir);
        }
        Files.createDirectories(dir);
        for (String name : FILES) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    /**
     * Removes the temporary files a save writes before renaming them into place: only a process
     * killed while saving leaves one, and the checkpoint it was replacing is still whole.
     */
    private static void removePartialFiles(Path dir, PrintStream err) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path file : entries.filter(p -> p.getFileName().toString().endsWith(".tmp"))
                    .sorted()
                    .toList()) {
                Files.delete(file);
                err.printf("removed %s, a partial checkpoint file left by an interrupted save%n", file);
            }
        }
    }

    /**
     * Refuses a checkpoint whose files are not the ones its {@code config.json} was written with: a
     * process killed between renaming the optimiser state, the weights and the config leaves such a
     * mix, from which training must not continue.
     */
    private static void checkComplete(Path dir) throws IOException {
        JsonObject saved = Checkpoint.readMetadata(dir);
        Map<String, String> files =
                Map.of(Checkpoint.WEIGHTS_SHA256, Checkpoint.WEIGHTS_FILE, OPTIMIZER_SHA256, OPTIMIZER_FILE);
        for (Map.Entry<String, String> e : files.entrySet()) {
            Path file = dir.resolve(e.getValue());
            if (saved.has(e.getKey())
                    && (!Files.isRegularFile(file)
                            || !Sha256.hex(file).equals(saved.get(e.getKey()).getAsString()))) {
                throw new BadInputException(
                        "%s: partial checkpoint: %s is not the one config.json was saved with (a run was killed while"
                                + " saving); pass --overwrite to train again from the start",
                        dir, e.getValue());
            }
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    private static void writeHeldOut(Path dir, long[] heldOut) throws IOException {
        StringBuilder text = new StringBuilder();
        for (long id : heldOut) {
            text.append(id).append('\n');
        }
        Files.writeString(dir.resolve(HELDOUT_FILE), text);
    }

    private static void checkHeldOut(Path dir, long[] heldOut) throws IOException {
        Path file = dir.resolve(HELDOUT_FILE);
        long[] saved = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank())
                .mapToLong(Long::parseLong)
                .toArray();
        if (!Arrays.equals(saved, heldOut)) {
            throw new BadInputException(
                    "%s: the held-out samples differ from this tokens table's (%d saved, %d now): resume with the tokens table the model was trained on",
                    file, saved.length, heldOut.length);
        }
    }

    /** Appends to curve.csv at every evaluation and saves the checkpoint when it is the best. */
    private static final class RunRecorder implements TrainListener {

        private final Spec spec;
        private final GptTrainer trainer;
        private final Data data;
        private Evaluation best;

        RunRecorder(Spec spec, GptTrainer trainer, Data data, int startStep) throws IOException {
            this.spec = spec;
            this.trainer = trainer;
            this.data = data;
            Curve.truncate(spec.modelDir().resolve(CURVE_FILE), startStep);
        }

        Evaluation best() {
            return best;
        }

        @Override
        public void onEvaluation(Evaluation e, boolean isBest) throws IOException {
            Curve.append(spec.modelDir().resolve(CURVE_FILE), e);
            if (isBest) {
                best = e;
                save(e);
            }
        }

        private void save(Evaluation e) throws IOException {
            Path dir = spec.modelDir();
            // Optimiser state first: config.json's steps_done is written last and names a
            // complete pair.
            Checkpoint.writeTensors(dir.resolve(OPTIMIZER_FILE), trainer.state());
            JsonObject metadata = metadata(e);
            metadata.addProperty(OPTIMIZER_SHA256, Sha256.hex(dir.resolve(OPTIMIZER_FILE)));
            Checkpoint.write(dir, trainer.weights(), spec.tokenizer(), metadata);
        }

        private JsonObject metadata(Evaluation e) {
            JsonObject json =
                    spec.metadata() == null ? new JsonObject() : spec.metadata().deepCopy();
            TrainConfig t = spec.train();
            json.addProperty("steps_done", e.step());
            json.addProperty("best_loss", e.selectionLoss());
            json.addProperty("best_test_loss", e.testLoss());
            json.addProperty("train_loss", e.trainLoss());
            json.addProperty("elapsed_seconds", e.elapsedSeconds());
            json.addProperty("tokens_trained", e.tokens());
            json.addProperty("n_train", data.nTrain());
            json.addProperty("n_test", data.nTest());
            json.addProperty("samples", data.description());
            json.addProperty("char_level", spec.charLevel());
            json.addProperty("test_fraction", spec.testFraction());
            JsonObject hyper = new JsonObject();
            hyper.addProperty("steps", t.steps());
            hyper.addProperty("batch_size", t.batchSize());
            hyper.addProperty("lr", t.lr());
            hyper.addProperty("min_lr", t.minLr());
            hyper.addProperty("warmup", t.warmupSteps());
            hyper.addProperty("cosine_decay", t.cosineDecay());
            hyper.addProperty("weight_decay", t.weightDecay());
            hyper.addProperty("beta1", t.beta1());
            hyper.addProperty("beta2", t.beta2());
            hyper.addProperty("eps", t.eps());
            hyper.addProperty("dropout", t.dropout());
            hyper.addProperty("grad_clip", t.gradClip());
            hyper.addProperty("seed", t.seed());
            hyper.addProperty("init", t.init().cliName());
            hyper.addProperty("ema", t.emaDecay());
            hyper.addProperty("eval_interval", t.evalInterval());
            hyper.addProperty("eval_batches", t.evalBatches());
            json.add("train", hyper);
            return json;
        }
    }

    /** {@code curve.csv}: {@code step,train_loss,test_loss,lr,elapsed_seconds}. */
    static final class Curve {

        static final String HEADER = "step,train_loss,test_loss,lr,elapsed_seconds";

        private Curve() {}

        static void append(Path file, Evaluation e) throws IOException {
            String row = String.format(
                    Locale.ROOT,
                    "%d,%.6f,%s,%.6g,%.1f%n",
                    e.step(),
                    e.trainLoss(),
                    Double.isNaN(e.testLoss()) ? "" : String.format(Locale.ROOT, "%.6f", e.testLoss()),
                    e.lr(),
                    e.elapsedSeconds());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER + "\n");
            }
            Files.writeString(file, row, StandardOpenOption.APPEND);
        }

        /** Drops rows after {@code step} (a resumed run repeats them from its checkpoint). */
        static void truncate(Path file, int step) throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.equals(HEADER) || line.isBlank()) {
                    continue;
                }
                if (Integer.parseInt(line.substring(0, line.indexOf(','))) <= step) {
                    kept.add(line);
                }
            }
            Files.writeString(file, HEADER + "\n" + (kept.isEmpty() ? "" : String.join("\n", kept) + "\n"));
        }
    }
}
