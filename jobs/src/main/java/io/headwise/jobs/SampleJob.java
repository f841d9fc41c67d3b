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
import java.util.Arrays;
import java.util.Random;
import picocli.CommandLine.Option;

/**
 * {@code sample}: generates from a model, no Spark. A char-level model starts from {@code .} (plus
 * the prompt) and prints one name per line, without its dots; a BPE model starts from the prompt,
 * or {@code <|endoftext|>} without one, and prints each text followed by a line {@code ---}.
 * Generation stops at the end token or when the context ({@code n_positions}) is full.
 */
public final class SampleJob {

    /** Printed after each BPE sample. */
    static final String SEPARATOR = "---";

    /** Options of {@code sample}. */
    public static final class Options {
        @Option(
                names = "--model",
                required = true,
                paramLabel = "MODEL_DIR",
                description = "Model directory (config.json, model.safetensors, tokenizer.json).")
        public Path model;

        @Option(names = "--n", defaultValue = "20", description = "Samples to generate (default: ${DEFAULT-VALUE}).")
        public int n;

        @Option(
                names = "--prompt",
                defaultValue = "",
                paramLabel = "TEXT",
                description = "Text every sample starts with (a name's first letters for a char-level model).")
        public String prompt;

        @Option(
                names = "--temperature",
                defaultValue = "1.0",
                description = "Softmax temperature (default: ${DEFAULT-VALUE}).")
        public double temperature;

        @Option(
                names = "--top-k",
                defaultValue = "0",
                paramLabel = "K",
                description = "Draw only from the K most likely tokens; 0 = all (default).")
        public int topK;

        @Option(names = "--seed", defaultValue = "1337", description = "Random seed (default: ${DEFAULT-VALUE}).")
        public long seed;
    }

    private SampleJob() {}

    public static void run(JobContext context, Options options) {
        if (options.n < 1) {
            throw new BadInputException("--n must be >= 1, got %d", options.n);
        }
        if (!(options.temperature > 0) || Double.isInfinite(options.temperature)) {
            throw new BadInputException("--temperature must be a positive number, got %s", options.temperature);
        }
        if (options.topK < 0) {
            throw new BadInputException("--top-k must be >= 0, got %d", options.topK);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = Checkpoint.read(options.model, manager);
            try (TextTokenizer tokenizer = Tokenizers.load(options.model)) {
                GptConfig config = weights.config();
                if (tokenizer.vocabSize() > config.vocabSize()) {
                    throw new BadInputException(
                            "%s: tokenizer.json has %d ids, the model only %d: they do not belong together",
                            options.model, tokenizer.vocabSize(), config.vocabSize());
                }
                Sampler sampler = new Sampler(new Gpt(weights), manager);
                Random random = new Random(options.seed);
                int stop = stopId(tokenizer, config);
                int[] prompt = prompt(tokenizer, options.prompt, stop, config);
                for (int i = 0; i < options.n; i++) {
                    int[] ids = sampler.generate(prompt, options.temperature, options.topK, stop, random);
                    print(context, tokenizer, ids, stop);
                }
            }
        }
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

    private static void print(JobContext context, TextTokenizer tokenizer, int[] ids, int stop) {
        int end = ids.length > 1 && ids[ids.length - 1] == stop ? ids.length - 1 : ids.length;
        if (tokenizer.isCharLevel()) {
            context.print(tokenizer.decode(Arrays.copyOfRange(ids, 1, end)));
            return;
        }
        int start = ids[0] == stop ? 1 : 0;
        context.print(tokenizer.decode(Arrays.copyOfRange(ids, start, Math.max(start, end))));
        context.print(SEPARATOR);
    }
}
