package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.spark.Schemas;
import io.headwise.tokenize.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Refuses a {@code tokens} table made by another tokenizer than the model's: token ids would then
 * mean other strings, and every number extracted would be silently wrong. {@code tokenize} leaves
 * the tokenizer.json it used in the tokens run directory and its sha256 in {@code run_manifest}
 * ({@code details['tokenizer_sha256']}); both, when present, must equal the model's tokenizer.json.
 * A tokens run directory with neither cannot be checked and is refused too.
 */
final class TokenizerCheck {

    static final String TOKENIZER_SHA256 = "tokenizer_sha256";

    private TokenizerCheck() {}

    /**
     * @param modelSha256 sha256 of the model's tokenizer.json
     * @return the tokens' tokenizer sha256 (equal to {@code modelSha256})
     */
    static String verify(SparkSession spark, String tokensRunDir, String model, String modelSha256) {
        String file = Tables.path(tokensRunDir, Tokenizers.TOKENIZER_JSON);
        String fromFile = Tables.exists(spark, file) ? sha256(spark, file) : null;
        String fromManifest = manifestSha256(spark, tokensRunDir);
        if (fromFile == null && fromManifest == null) {
            throw new BadInputException(
                    "%s: cannot tell which tokenizer made these tokens (no tokenizer.json and no %s in its run_manifest); "
                            + "re-run `headwise tokenize --tokenizer %s`",
                    tokensRunDir, TOKENIZER_SHA256, model);
        }
        for (String found : new String[] {fromFile, fromManifest}) {
            if (found != null && !found.equals(modelSha256)) {
                throw new BadInputException(
                        "%s: the tokens were made with another tokenizer than %s/tokenizer.json (sha256 %s, the model's %s); "
                                + "re-run `headwise tokenize --tokenizer %s`",
                        tokensRunDir, model, found.substring(0, 12), modelSha256.substring(0, 12), model);
            }
        }
        return modelSha256;
    }

    /** {@code details['tokenizer_sha256']} of the latest {@code tokenize} run, or null. */
    private static String manifestSha256(SparkSession spark, String runDir) {
        Dataset<Row> manifest = Tables.readIfPresent(spark, runDir, Schemas.RUN_MANIFEST);
        if (manifest == null) {
            return null;
        }
        List<Row> latest = manifest.where(functions.col("job").equalTo("tokenize"))
                .orderBy(functions.col("ended_at").desc())
                .select(functions.try_element_at(functions.col("details"), functions.lit(TOKENIZER_SHA256)))
                .limit(1)
                .collectAsList();
        return latest.isEmpty() ? null : latest.get(0).getString(0);
    }

    private static String sha256(SparkSession spark, String file) {
        Path path = new Path(file);
        try {
            FileSystem fs = path.getFileSystem(Tables.hadoopConf(spark));
            MessageDigest digest = Sha256.digest();
            try (InputStream in = fs.open(path)) {
                Sha256.update(digest, in);
            }
            return Sha256.hex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
