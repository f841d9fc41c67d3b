package io.headwise.spark;

import io.headwise.Sha256;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.nio.charset.StandardCharsets;

/**
 * Tokenizers in the executor JVM's {@link ExecutorCache}, one per tokenizer document. The driver
 * ships the {@code tokenizer.json} text (Hugging Face tokenizers are native and not serializable);
 * the first task that needs it builds it, later tasks reuse it while the cache keeps it, and the
 * cache closes its natives when it evicts it. Keyed by the document's SHA-256, so a changed file is
 * a new entry. DJL's tokenizer is safe to call from several task threads at once. Its native size
 * is not observable; the cache counts it as the document's size in bytes, which the vocabulary and
 * merge tables it is built from are of the order of.
 */
public final class TokenizerCache {

    private record Key(String sha256) {
        @Override
        public String toString() {
            return "tokenizer " + sha256.substring(0, 16);
        }
    }

    private TokenizerCache() {}

    /**
     * A lease on the tokenizer of {@code json}; {@code name} is used in messages (e.g. its path).
     * Close it when done ({@link ExecutorCache#releaseWithTask}).
     */
    public static ExecutorCache.Lease<TextTokenizer> lease(String json, String name) {
        return ExecutorCache.jvm().lease(new Key(Sha256.hex(json)), () -> {
            TextTokenizer tokenizer = Tokenizers.fromJson(json, name);
            return new ExecutorCache.Loaded<>(tokenizer, json.getBytes(StandardCharsets.UTF_8).length, tokenizer);
        });
    }
}
