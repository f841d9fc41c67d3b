package io.headwise.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * An HDFS of one NameNode and one DataNode inside the test JVM ({@code MiniDFSCluster} from {@code
 * hadoop-client-minicluster}), on 127.0.0.1 with ephemeral ports, its storage under {@code
 * target/mini-hdfs/NAME}.
 *
 * <pre>{@code
 * try (MiniHdfs hdfs = MiniHdfs.start("pipeline")) {
 *   hdfs.put(localDir, "/models/names");
 *   String uri = hdfs.uri("/models/names");   // hdfs://127.0.0.1:PORT/models/names
 * }
 * }</pre>
 */
public final class MiniHdfs implements AutoCloseable {

    private final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    public static MiniHdfs start(String name) {
        Path base = TestEnvironment.buildDir().resolve("mini-hdfs").resolve(name);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        for (String key : new String[] {
            "dfs.namenode.http-address", "dfs.datanode.address", "dfs.datanode.http.address", "dfs.datanode.ipc.address"
        }) {
            conf.set(key, "127.0.0.1:0");
        }
        try {
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, base.toFile())
                    .numDataNodes(1)
                    .format(true)
                    .build();
            cluster.waitActive();
            return new MiniHdfs(cluster);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a MiniDFSCluster under " + base, e);
        }
    }

    /**
     * {@code hdfs://127.0.0.1:PORT} followed by {@code path}. The cluster's own URI names {@code
     * localhost}; the NameNode listens on loopback either way.
     */
    public String uri(String path) {
        return "hdfs://127.0.0.1:" + cluster.getNameNodePort() + path;
    }

    public FileSystem fileSystem() {
        try {
            return cluster.getFileSystem();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the local file or directory {@code local} to {@code path}. */
    public void put(Path local, String path) {
        try {
            fileSystem()
                    .copyFromLocalFile(
                            new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(uri(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + local + " to " + uri(path), e);
        }
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
