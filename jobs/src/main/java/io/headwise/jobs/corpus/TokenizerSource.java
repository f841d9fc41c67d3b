package io.headwise.jobs.corpus;

import io.headwise.BadInputException;
import io.headwise.tokenize.Tokenizers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A {@code tokenizer.json} document and where it came from. The file is small, so the driver
 * reads it through Hadoop's file system (any URI) and ships the text to executors, which build
 * their tokenizer from it once per JVM.
 *
 * @param json the document
 * @param name its path, or {@code char (built from the corpus)}
 */
public record TokenizerSource(String json, String name) {

    /**
     * Reads {@code option}: a {@code tokenizer.json} or a directory (a model directory) holding one.
     *
     * @throws BadInputException naming {@code --tokenizer} when there is no such file
     */
    public static TokenizerSource read(SparkSession spark, String option) {
        try {
            Path path = new Path(option);
            FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
            if (fs.exists(path) && fs.getFileStatus(path).isDirectory()) {
                path = new Path(path, Tokenizers.TOKENIZER_JSON);
            }
            if (!fs.exists(path)) {
                throw new BadInputException(
                        "--tokenizer %s: no such file (expected 'char', a tokenizer.json or a model directory holding one)",
                        path);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (InputStream in = fs.open(path)) {
                in.transferTo(bytes);
            }
            return new TokenizerSource(bytes.toString(StandardCharsets.UTF_8), path.toString());
        } catch (IOException e) {
            throw new BadInputException(e, "--tokenizer %s: cannot read: %s", option, e.getMessage());
        }
    }

    /** Writes {@code json} to {@code file} on its file system, replacing it. */
    public static void write(SparkSession spark, String file, String json) {
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
            try (OutputStream out = fs.create(path, true)) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new BadInputException(e, "%s: cannot write: %s", file, e.getMessage());
        }
    }
}
