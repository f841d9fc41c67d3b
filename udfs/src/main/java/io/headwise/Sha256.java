package io.headwise;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256, the one fingerprint Headwise records and compares: of a model ({@code config.json}
 * followed by {@code model.safetensors}), of a {@code tokenizer.json}, and of the report's inline
 * script. Hex digests are lower case.
 */
public final class Sha256 {

    private Sha256() {}

    /** A new digest (every Java runtime has SHA-256). */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** The digest of {@code text}'s UTF-8 bytes. */
    public static byte[] of(String text) {
        return digest().digest(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The hex digest of {@code text}'s UTF-8 bytes. */
    public static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }

    /** The hex digest of {@code digest} so far (which it resets). */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Feeds {@code digest} with the rest of {@code in}, without closing it. */
    public static void update(MessageDigest digest, InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
    }

    /** The hex digest of {@code files}' bytes, one after the other. */
    public static String hex(Path... files) throws IOException {
        MessageDigest digest = digest();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                update(digest, in);
            }
        }
        return hex(digest);
    }
}
