package io.headwise.spark;

import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link TextTokenizer} per executor JVM and tokenizer document. The driver ships the
 * {@code tokenizer.json} text (Hugging Face tokenizers are native and not serializable); the first
 * task that needs it builds it, later tasks reuse it, and a shutdown hook closes the natives when
 * the JVM exits. Keyed by the document's SHA-256, so a changed file is a new entry. DJL's
 * tokenizer is safe to call from several task threads at once.
 */
public final class TokenizerCache {

    private static final Map<String, TextTokenizer> CACHE = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TokenizerCache::closeAll, "headwise-tokenizer-cache"));
    }

    private TokenizerCache() {}

    /** The tokenizer of {@code json}; {@code name} is used in messages (e.g. its path). */
    public static TextTokenizer get(String json, String name) {
        return CACHE.computeIfAbsent(sha256(json), key -> Tokenizers.fromJson(json, name));
    }

    /** Hex SHA-256 of the document's UTF-8 bytes, as recorded in {@code run_manifest}. */
    public static String sha256(String json) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void closeAll() {
        CACHE.values().forEach(TextTokenizer::close);
        CACHE.clear();
    }
}
