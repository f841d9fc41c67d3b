package io.headwise.spark;

import io.headwise.Sha256;
import io.headwise.model.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import scala.Tuple2;

/**
 * A model directory as tasks reach it: through the Hadoop file system API, so {@code hdfs://},
 * {@code s3a://}, {@code gs://} and {@code file://} all work. Each executor JVM copies {@code
 * config.json} and {@code model.safetensors} once into its Spark work directory (the model cache
 * then loads them and the copy is deleted) and checks that their sha256 is the one the driver
 * checked, so a model directory replaced during a run fails the run instead of mixing two models.
 *
 * <p>A {@code file://} directory must exist on every node: true in local and local-cluster mode
 * and on a shared file system; on a cluster without one, put the model on HDFS or object storage.
 * (Spark's own file distribution, {@code SparkContext.addFile}, was tried first: in Spark 4.1 the
 * files it registers are not fetched for the tasks of a Dataset job on a local-cluster, see
 * ExtractClusterIT.)
 *
 * @param location the model directory as a fully qualified Hadoop URI
 * @param fingerprint sha256 (hex) of config.json followed by model.safetensors
 */
public record ShippedModel(String location, String fingerprint) implements Serializable {

    /** Copies the model into a fresh local directory under Spark's work directory and checks it. */
    public Path fetch() {
        try {
            Path dir = Files.createTempDirectory(
                    Path.of(SparkFiles.getRootDirectory()).toAbsolutePath(), "headwise-model-");
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = remote.getFileSystem(hadoopConf());
            MessageDigest digest = Sha256.digest();
            for (String name : new String[] {Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE}) {
                try (InputStream in =
                        new DigestInputStream(fs.open(new org.apache.hadoop.fs.Path(remote, name)), digest)) {
                    Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String found = Sha256.hex(digest);
            if (!found.equals(fingerprint)) {
                throw new IllegalStateException(String.format(
                        "%s changed during the run (sha256 of config.json + model.safetensors %s, the driver saw %s)",
                        location, found.substring(0, 12), fingerprint.substring(0, 12)));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the model " + location + " to this executor", e);
        }
    }

    /** Removes a directory made by {@link #fetch}. */
    public static void delete(Path dir) {
        try {
            for (String name : new String[] {Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE}) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // Spark removes its work directory with the application anyway.
        }
    }

    /** The executor's Hadoop configuration: the cluster's *-site.xml plus {@code spark.hadoop.*}. */
    static Configuration hadoopConf() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> kv : env.conf().getAllWithPrefix("spark.hadoop.")) {
                conf.set(kv._1(), kv._2());
            }
        }
        return conf;
    }
}
