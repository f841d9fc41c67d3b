package io.headwise.jobs.corpus;

import io.headwise.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --input}: a file, a directory (its files, not sub-directories; names starting with
 * {@code .} or {@code _} skipped, as Spark does) or a glob, on any Hadoop file system. The result
 * is the sorted list of fully qualified file paths. Each file's base name is its {@code source}
 * in the tables, so two files with the same name are refused.
 */
public final class InputFiles {

    private InputFiles() {}

    /**
     * @throws BadInputException naming {@code --input} when nothing matches, or two files share a name
     */
    public static List<String> resolve(SparkSession spark, String input) {
        List<String> files = new ArrayList<>();
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
            FileStatus[] matches = fs.globStatus(path);
            if (matches == null || matches.length == 0) {
                throw new BadInputException("--input %s: no such file or directory", input);
            }
            for (FileStatus match : matches) {
                if (match.isDirectory()) {
                    for (FileStatus child : fs.listStatus(match.getPath())) {
                        if (child.isFile() && !hidden(child.getPath())) {
                            files.add(child.getPath().toString());
                        }
                    }
                } else {
                    files.add(match.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new BadInputException(e, "--input %s: cannot list: %s", input, e.getMessage());
        } catch (BadInputException e) {
            throw e; // already names the input
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e, "--input %s: not a valid path: %s", input, e.getMessage());
        }
        if (files.isEmpty()) {
            throw new BadInputException("--input %s: no files in it", input);
        }
        files.sort(String::compareTo);
        Map<String, String> byName = new HashMap<>();
        for (String file : files) {
            String other = byName.put(sourceName(file), file);
            if (other != null) {
                throw new BadInputException(
                        "--input %s: %s and %s have the same name; sources (and sample ids) are named by the file name",
                        input, other, file);
            }
        }
        return files;
    }

    /** Whether {@code input} (a path or glob) matches anything; false for an invalid path too. */
    public static boolean matches(SparkSession spark, String input) {
        try {
            Path path = new Path(input);
            FileStatus[] matches =
                    path.getFileSystem(spark.sessionState().newHadoopConf()).globStatus(path);
            return matches != null && matches.length > 0;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The {@code source} of a file: its base name. */
    public static String sourceName(String file) {
        return new Path(file).getName();
    }

    /** The last {@code n} bytes of {@code file} (fewer if it is shorter). */
    static byte[] tail(SparkSession spark, String file, int n) {
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
            long length = fs.getFileStatus(path).getLen();
            byte[] tail = new byte[(int) Math.min(n, length)];
            try (var in = fs.open(path)) {
                in.readFully(length - tail.length, tail);
            }
            return tail;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the end of " + file, e);
        }
    }

    /**
     * The first {@code n} bytes of {@code file}, decompressed when its name says it is compressed
     * (fewer if it is shorter).
     *
     * @throws IOException when the file cannot be read or decompressed
     */
    static byte[] head(SparkSession spark, String file, int n) throws IOException {
        Path path = new Path(file);
        var conf = spark.sessionState().newHadoopConf();
        FileSystem fs = path.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        try (InputStream raw = fs.open(path);
                InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
            return in.readNBytes(n);
        }
    }

    private static boolean hidden(Path path) {
        String name = path.getName();
        return name.startsWith(".") || name.startsWith("_");
    }
}
