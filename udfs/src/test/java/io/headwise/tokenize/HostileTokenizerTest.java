package io.headwise.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.headwise.BadInputException;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated hostile {@code tokenizer.json} documents (truncated, bytes replaced, keys removed,
 * values of the wrong type, vocabularies with holes): each loads a tokenizer that encodes (or
 * refuses a text with an {@link IllegalArgumentException}, which {@code tokenize} makes a reject),
 * or ends in one {@link BadInputException} line naming the document; never another
 * exception or a crash of the native library.
 */
class HostileTokenizerTest {

    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterContainer
    static void printCounts() {
        System.out.printf("hostile tokenizer documents tried: %d, refused: %d%n", TRIED.get(), REFUSED.get());
    }

    @Property(tries = 300)
    void aMutatedTokenizerLoadsAndWorksOrIsRefusedNamingIt(@ForAll("seeds") long seed) throws IOException {
        Random random = new Random(seed);
        String original = Files.readString(Fixtures.gpt2Tiny().resolve("tokenizer.json"));
        String mutated = mutate(original, random);
        TRIED.incrementAndGet();
        long started = System.nanoTime();
        try (TextTokenizer tokenizer = Tokenizers.fromJson(mutated, "hostile/tokenizer.json")) {
            try {
                int[] ids = tokenizer.encode("emma");
                assertThat(Arrays.stream(ids)).allMatch(id -> id >= 0 && id < tokenizer.vocabSize());
            } catch (BadInputException e) {
                throw e;
            } catch (IllegalArgumentException e) { // the text's reject in tokenize, with this reason
                assertThat(e.getMessage()).isNotBlank();
            }
        } catch (BadInputException e) {
            REFUSED.incrementAndGet();
            assertThat(e.getMessage()).contains("hostile/tokenizer.json").doesNotContain("\n");
        } finally {
            assertThat((System.nanoTime() - started) / 1e9).isLessThan(10);
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private static String mutate(String original, Random random) {
        switch (random.nextInt(5)) {
            case 0 -> {
                return original.substring(0, random.nextInt(original.length()));
            }
            case 1 -> {
                StringBuilder text = new StringBuilder(original);
                for (int i = 0, k = 1 + random.nextInt(4); i < k; i++) {
                    text.setCharAt(random.nextInt(text.length()), "{}[]\":,0a\u0000\\".charAt(random.nextInt(11)));
                }
                return text.toString();
            }
            default -> {
                JsonObject json = JsonParser.parseString(original).getAsJsonObject();
                JsonObject target = random.nextBoolean() ? json : json.getAsJsonObject("model");
                List<String> keys = new ArrayList<>(target.keySet());
                String key = keys.get(random.nextInt(keys.size()));
                if (random.nextInt(3) == 0) {
                    target.remove(key);
                } else if (key.equals("vocab") && random.nextBoolean()) {
                    JsonObject vocab = target.getAsJsonObject("vocab");
                    String token = new ArrayList<>(vocab.keySet()).get(random.nextInt(vocab.size()));
                    vocab.add(token, new JsonPrimitive(random.nextBoolean() ? -1 : 1 << 30)); // a hole or a clash
                } else {
                    target.add(key, junk(random));
                }
                return json.toString();
            }
        }
    }

    private static JsonElement junk(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive("x");
            case 2 -> new JsonPrimitive(-1);
            case 3 -> new JsonPrimitive(true);
            case 4 -> new JsonObject();
            case 5 -> new JsonArray();
            default -> new JsonPrimitive(Long.MAX_VALUE);
        };
    }
}
