package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.SampleResult;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code wiki-bpe} preset on the English wiki sample with our 2,000-token BPE tokenizer: a short
 * run (the preset with fewer steps) already predicts held-out text better than the unigram
 * baseline, and {@code sample --prompt " The"} continues the prompt.
 */
class TrainWikiIT {

    static final int STEPS = 300;

    @TempDir
    Path tmp;

    @Test
    void wikiBpeBeatsTheUnigramBaselineOnHeldOutText() throws Exception {
        Path dump = Fixtures.datasets().resolve(TokenizeWikiIT.ENGLISH);
        Path run = tmp.resolve("run");
        CliRun bpe = CliRun.of(
                "train-tokenizer",
                "--input",
                dump.toString(),
                "--format",
                "wiki",
                "--vocab-size",
                "2000",
                "--out",
                tmp.resolve("bpe/tokenizer.json").toString());
        assertThat(bpe.exitCode()).as(bpe.err()).isZero();
        CliRun tokenize = CliRun.of(
                "tokenize",
                "--input",
                dump.toString(),
                "--format",
                "wiki",
                "--tokenizer",
                tmp.resolve("bpe/tokenizer.json").toString(),
                "--block-size",
                "128",
                "--out",
                run.toString());
        assertThat(tokenize.exitCode()).as(tokenize.err()).isZero();

        Path model = tmp.resolve("model");
        CliRun train = CliRun.of(
                "train",
                "--tokens",
                run.toString(),
                "--out",
                model.toString(),
                "--preset",
                "wiki-bpe",
                "--steps",
                Integer.toString(STEPS),
                "--batch-size",
                "8",
                "--warmup",
                "30",
                "--eval-interval",
                Integer.toString(STEPS));
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(Checkpoint.readConfig(model).nPositions()).isEqualTo(128);
        assertThat(Checkpoint.readConfig(model).vocabSize()).isEqualTo(2000);

        // Held-out samples (heldout.txt) and their next-token targets (positions 1..T-1).
        Set<Long> heldOut = new HashSet<>();
        Files.readAllLines(model.resolve(TrainingRun.HELDOUT_FILE)).forEach(line -> heldOut.add(Long.parseLong(line)));
        List<int[]> test = new ArrayList<>();
        for (Row row : SparkTestSession.get()
                .read()
                .parquet(run.resolve("tokens").toString())
                .select("sample_id", "token_ids")
                .orderBy("sample_id")
                .collectAsList()) {
            if (heldOut.contains(row.getLong(0))) {
                test.add(row.getList(1).stream().mapToInt(id -> (Integer) id).toArray());
            }
        }
        assertThat(test).hasSize(heldOut.size()).hasSizeGreaterThan(500);

        // The unigram baseline: the entropy of the held-out targets' own token distribution, the
        // lowest cross-entropy any unigram model (even one fitted to the held-out text) can reach.
        long[] counts = new long[2000];
        long targets = 0;
        for (int[] ids : test) {
            for (int p = 1; p < ids.length; p++) {
                counts[ids[p]]++;
                targets++;
            }
        }
        double unigram = 0;
        for (long c : counts) {
            if (c > 0) {
                double q = (double) c / targets;
                unigram -= q * Math.log(q);
            }
        }

        // The trained model on every held-out target, token-weighted as the training run reports it.
        double nll = 0;
        long n = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(model, manager)), manager, 0, false);
            for (int from = 0; from < test.size(); from += 32) {
                for (SampleResult r : analyzer.analyze(test.subList(from, Math.min(test.size(), from + 32)))) {
                    for (float loss : r.loss()) {
                        nll += loss;
                        n++;
                    }
                }
            }
        }
        assertThat(n).isEqualTo(targets);
        double modelLoss = nll / n;
        System.out.printf(
                "wiki-bpe after %d steps: held-out %.4f nats/token over %,d targets; unigram entropy %.4f%n",
                STEPS, modelLoss, targets, unigram);
        assertThat(unigram).isBetween(4.0, Math.log(2000));
        assertThat(modelLoss).isLessThan(unigram - 0.3);
        assertThat(Checkpoint.readMetadata(model).get("best_test_loss").getAsDouble())
                .isLessThan(unigram - 0.3);

        CliRun sample = CliRun.withoutSpark(
                "sample", "--model", model.toString(), "--prompt", " The", "--n", "3", "--seed", "7");
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        String[] texts = sample.out().split("(?m)^" + SampleJob.SEPARATOR + "\\R?");
        assertThat(texts)
                .hasSize(3)
                .allSatisfy(text -> assertThat(text).startsWith(" The").hasSizeGreaterThan(" The".length() + 10));
    }
}
