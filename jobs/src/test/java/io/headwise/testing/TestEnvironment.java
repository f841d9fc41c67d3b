package io.headwise.testing;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the build tells the test JVM: where {@code target/} is, the test class path. */
final class TestEnvironment {

    /** Set by Failsafe (jobs/pom.xml) to the module's {@code target} directory. */
    static final String BUILD_DIR = "headwise.test.buildDir";

    static final String BUILD_DIR_DEFAULT = "target";

    private TestEnvironment() {}

    static Path buildDir() {
        return Path.of(System.getProperty(BUILD_DIR, BUILD_DIR_DEFAULT)).toAbsolutePath();
    }

    /**
     * The test class path, one entry per element. Surefire and Failsafe start the test JVM with a
     * manifest-only jar as {@code java.class.path} and put the real class path in
     * {@code surefire.test.class.path}; an IDE sets {@code java.class.path} directly.
     */
    static List<Path> classPath() {
        String classPath = System.getProperty("surefire.test.class.path");
        if (classPath == null || classPath.isBlank()) {
            classPath = System.getProperty("java.class.path");
        }
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath());
            }
        }
        return entries;
    }
}
