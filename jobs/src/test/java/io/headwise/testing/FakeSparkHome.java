package io.headwise.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A stand-in Spark distribution for {@link LocalClusterSession}: workers build executor class
 * paths from {@code $SPARK_HOME/jars/*}, so {@code jars/} holds a link to every jar on the test
 * class path. {@code RELEASE} marks it as a distribution rather than a Spark source tree.
 */
final class FakeSparkHome {

    private FakeSparkHome() {}

    static void create(Path home, List<Path> classPath) {
        try {
            Path jars = home.resolve("jars");
            deleteLinks(jars);
            Files.createDirectories(jars);
            Files.writeString(
                    home.resolve("RELEASE"),
                    "Stand-in for a Spark distribution, made by Headwise's LocalClusterSession:"
                            + " jars/ links to the test class path.\n");
            Set<String> names = new HashSet<>();
            for (Path entry : classPath) {
                if (Files.isRegularFile(entry)
                        && entry.getFileName().toString().endsWith(".jar")
                        && !isTestServer(entry)) {
                    // Two artifacts may share a file name (same artifactId, different groupId).
                    String name = entry.getFileName().toString();
                    for (int i = 2; !names.add(name); i++) {
                        name = i + "-" + entry.getFileName();
                    }
                    Files.createSymbolicLink(jars.resolve(name), entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the stand-in SPARK_HOME at " + home, e);
        }
    }

    /**
     * HdfsIT's NameNode and DataNode: no distribution holds them, and their unshaded Hadoop classes
     * would sit beside Spark's hadoop-client-api in the executors.
     */
    static boolean isTestServer(Path jar) {
        return jar.getFileName().toString().startsWith("hadoop-client-minicluster-");
    }

    /** Removes last run's links (never what they point to). */
    private static void deleteLinks(Path jars) throws IOException {
        if (!Files.isDirectory(jars)) {
            return;
        }
        try (Stream<Path> links = Files.list(jars)) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Files.delete(link);
            }
        }
    }
}
