package io.headwise.bench;

import com.google.gson.JsonObject;
import io.headwise.model.GptConfig;
import io.headwise.testing.Fixtures;
import io.headwise.train.TrainConfig;
import io.headwise.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Not a test: trains on names.txt (char-level, `.` = 0, a–z = 1–26, sample_id = line number) or,
 * with {@code corpus=random}, on random ids of a {@code vocab}-token vocabulary, and prints the
 * held-out loss and throughput. Arguments are {@code key=value}; see {@link #main} for the keys.
 * Run with the test class path (docs/benchmarks.md, Training).
 */
public final class TrainNamesBench {

    private TrainNamesBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            a.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String corpus = a.getOrDefault("corpus", "names");
        int vocab = Integer.parseInt(a.getOrDefault("vocab", "27"));
        int block = Integer.parseInt(a.getOrDefault("block", "17"));
        List<TrainingRun.Sample> samples =
                corpus.equals("names") ? names() : random(vocab, block, Integer.parseInt(a.getOrDefault("n", "5000")));
        if (corpus.equals("names")) {
            vocab = 27;
        }
        GptConfig model = GptConfig.of(
                vocab,
                block,
                Integer.parseInt(a.getOrDefault("embd", "64")),
                Integer.parseInt(a.getOrDefault("layers", "4")),
                Integer.parseInt(a.getOrDefault("heads", "4")));
        double lr = Double.parseDouble(a.getOrDefault("lr", "1e-3"));
        TrainConfig train = new TrainConfig(
                Integer.parseInt(a.getOrDefault("steps", "30000")),
                Integer.parseInt(a.getOrDefault("batch", "64")),
                lr,
                Double.parseDouble(a.getOrDefault("minlr", String.valueOf(lr / 10))),
                Integer.parseInt(a.getOrDefault("warmup", "500")),
                Boolean.parseBoolean(a.getOrDefault("cosine", "true")),
                Double.parseDouble(a.getOrDefault("wd", "0.01")),
                TrainConfig.BETA1_DEFAULT,
                TrainConfig.BETA2_DEFAULT,
                TrainConfig.EPS_DEFAULT,
                Double.parseDouble(a.getOrDefault("dropout", "0.1")),
                Double.parseDouble(a.getOrDefault("clip", "1.0")),
                Long.parseLong(a.getOrDefault("seed", "1337")),
                Integer.parseInt(a.getOrDefault("eval", "500")),
                Integer.parseInt(a.getOrDefault("evalbatches", "16")));
        JsonObject meta = new JsonObject();
        meta.addProperty("bench", String.join(" ", args));
        TrainingRun.Spec spec = new TrainingRun.Spec(
                Path.of(a.getOrDefault("out", "/tmp/bench-model")),
                model,
                train,
                null,
                corpus.equals("names"),
                0.1,
                Boolean.parseBoolean(a.getOrDefault("resume", "false")),
                true,
                meta);
        System.out.printf(
                "corpus %s: %d samples, model %s, %,d parameters, %s%n",
                corpus, samples.size(), model, model.parameterCount(), train);
        TrainingRun.Result r = null;
        int retries = Integer.parseInt(a.getOrDefault("retries", "0"));
        for (int attempt = 0; r == null; attempt++) {
            try {
                r = TrainingRun.run(spec, samples, System.err);
            } catch (io.headwise.BadInputException e) {
                // Diagnosing intermittent NaN losses: resume from the best checkpoint, which
                // replays the same batches; a data-dependent divergence would recur at the same step.
                if (attempt >= retries || !e.getMessage().startsWith("training diverged")) {
                    throw e;
                }
                System.out.printf("attempt %d: %s; resuming from the best checkpoint%n", attempt, e.getMessage());
                spec = new TrainingRun.Spec(
                        spec.modelDir(), model, train, null, spec.charLevel(), 0.1, true, false, meta);
            }
        }
        System.out.printf(
                "steps %d..%d  train %.4f  test %.4f  best test %.4f at step %d  wall %.1f s  %,.0f tokens/s  (%d train / %d test samples)%n",
                r.startStep(),
                r.last().step(),
                r.last().trainLoss(),
                r.last().testLoss(),
                r.best().testLoss(),
                r.best().step(),
                r.seconds(),
                r.tokensPerSecond(),
                r.nTrain(),
                r.nTest());
    }

    static List<TrainingRun.Sample> names() throws Exception {
        List<String> lines = Files.readAllLines(Fixtures.datasets().resolve("names.txt"));
        List<TrainingRun.Sample> samples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                continue;
            }
            int[] ids = new int[name.length() + 2];
            for (int j = 0; j < name.length(); j++) {
                ids[j + 1] = name.charAt(j) - 'a' + 1;
            }
            samples.add(new TrainingRun.Sample(i + 1, ids));
        }
        return samples;
    }

    static List<TrainingRun.Sample> random(int vocab, int block, int n) {
        Random random = new Random(1);
        List<TrainingRun.Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[block];
            for (int j = 0; j < block; j++) {
                ids[j] = random.nextInt(vocab);
            }
            samples.add(new TrainingRun.Sample(i, ids));
        }
        return samples;
    }
}
