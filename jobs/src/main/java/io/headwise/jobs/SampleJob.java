package io.headwise.jobs;

import ai.djl.ndarray.NDManager;
import io.headwise.BadInputException;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.Sampler;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.TokenizerJson;
import io.headwise.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * {@code sample}: generates from a model, no Spark. A char-level model starts from {@code .} (plus
 * the prompt) and prints one name per line, without its dots; a BPE model starts from the prompt,
 * or {@code <|endoftext|>} without one, and prints each text followed by a line {@code ---}.
 * Generation stops at the end token or when the context ({@code n_positions}) is full.
 */
public final class SampleJob {

    /** Printed after each BPE sample. */
    static final String SEPARATOR = "---";

    /** Default of {@code --n}. */
    public static final int N_DEFAULT = 20;
    /** Default of {@code --temperature}. */
    public static final double TEMPERATURE_DEFAULT = 1.0;
    /** Default of {@code --seed}. */
    public static final long SEED_DEFAULT = 1337;

    /**
     * Options of {@code sample}, checked when built.
     *
     * @param model model directory (config.json, model.safetensors, tokenizer.json); {@code --model}
     * @param n samples to generate; {@code --n}
     * @param prompt text every sample starts with; {@code --prompt}
     * @param temperature softmax temperature; {@code --temperature}
     * @param topK draw only from the K most likely tokens, 0 = all; {@code --top-k}
     * @param seed random seed; {@code --seed}
     */
    public record Options(Path model, int n, String prompt, double temperature, int topK, long seed) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(model, "--model");
            OptionChecks.required(prompt, "--prompt");
            if (n < 1) {
                throw new BadInputException("--n must be >= 1, got %d", n);
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new BadInputException("--temperature must be a positive number, got %s", temperature);
            }
            if (topK < 0) {
                throw new BadInputException("--top-k must be >= 0, got %d", topK);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code model}; the rest has defaults. */
        public static final class Builder {
            private Path model;
            private int n = N_DEFAULT;
            private String prompt = "";
            private double temperature = TEMPERATURE_DEFAULT;
            private int topK;
            private long seed = SEED_DEFAULT;

            private Builder() {}

            public Builder model(Path model) {
                this.model = model;
                return this;
            }

            public Builder n(int n) {
                this.n = n;
                return this;
            }

            public Builder prompt(String prompt) {
                this.prompt = prompt;
                return this;
            }

            public Builder temperature(double temperature) {
                this.temperature = temperature;
                return this;
            }

            public Builder topK(int topK) {
                this.topK = topK;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(model, n, prompt, temperature, topK, seed);
            }
        }
    }

    /**
     * What {@code sample} generated.
     *
     * @param samples the texts, without their delimiters, as printed
     */
    public record Result(List<String> samples) implements JobResult {

        /** {@code sample} writes no table. */
        @Override
        public List<WrittenTable> tables() {
            return List.of();
        }
    }

    private final Options options;

    public SampleJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Generates the samples; needs no Spark, prints nothing. */
    public Result run() {
        return run(JobContext.forApi(null, "sample", options));
    }

    /** Generates the samples as the CLI does, printing each to {@code context}. */
    public Result run(JobContext context) {
        List<String> samples = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = Checkpoint.read(options.model(), manager);
            try (TextTokenizer tokenizer = Tokenizers.load(options.model())) {
                GptConfig config = weights.config();
                if (tokenizer.vocabSize() > config.vocabSize()) {
                    throw new BadInputException(
                            "%s: tokenizer.json has %d ids, the model only %d: they do not belong together",
                            options.model(), tokenizer.vocabSize(), config.vocabSize());
                }
                Sampler sampler = new Sampler(new Gpt(weights), manager);
                Random random = new Random(options.seed());
                int stop = stopId(tokenizer, config);
                int[] prompt = prompt(tokenizer, options.prompt(), stop, config);
                for (int i = 0; i < options.n(); i++) {
                    int[] ids = sampler.generate(prompt, options.temperature(), options.topK(), stop, random);
                    samples.add(print(context, tokenizer, ids, stop));
                }
            }
        }
        return new Result(List.copyOf(samples));
    }

    /** The end token: {@code .} for char-level models, else {@code <|endoftext|>} (or eos_token_id). */
    static int stopId(TextTokenizer tokenizer, GptConfig config) {
        return tokenizer
                .specialId(tokenizer.isCharLevel() ? "." : TokenizerJson.END_OF_TEXT)
                .orElse(config.eosTokenId());
    }

    static int[] prompt(TextTokenizer tokenizer, String text, int stop, GptConfig config) {
        if (!tokenizer.isCharLevel() && text.isEmpty() && !config.hasToken(stop)) {
            throw new BadInputException(
                    "the model has no start token: its tokenizer has no %s and eos_token_id %d is not below vocab_size %d; give --prompt",
                    TokenizerJson.END_OF_TEXT, stop, config.vocabSize());
        }
        int[] ids;
        try {
            if (tokenizer.isCharLevel()) {
                int[] delimited = tokenizer.encode(text); // .text.
                ids = Arrays.copyOf(delimited, delimited.length - 1);
            } else if (text.isEmpty()) {
                ids = new int[] {stop};
            } else {
                ids = tokenizer.encode(text);
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--prompt: %s", e.getMessage());
        }
        if (ids.length == 0) {
            throw new BadInputException("--prompt: the text has no tokens");
        }
        if (ids.length >= config.nPositions()) {
            throw new BadInputException(
                    "--prompt: %d tokens leave no room in the model's context of %d", ids.length, config.nPositions());
        }
        return ids;
    }

    /** Prints one sample; returns its text. */
    private static String print(JobContext context, TextTokenizer tokenizer, int[] ids, int stop) {
        int end = ids.length > 1 && ids[ids.length - 1] == stop ? ids.length - 1 : ids.length;
        if (tokenizer.isCharLevel()) {
            String name = tokenizer.decode(Arrays.copyOfRange(ids, 1, end));
            context.print(name);
            return name;
        }
        int start = ids[0] == stop ? 1 : 0;
        String text = tokenizer.decode(Arrays.copyOfRange(ids, start, Math.max(start, end)));
        context.print(text);
        context.print(SEPARATOR);
        return text;
    }
}
