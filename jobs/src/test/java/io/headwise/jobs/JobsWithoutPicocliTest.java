package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jobs run from Java without the command line: no compiled class of the job packages refers to
 * picocli (a class name in another class's constant pool is plain UTF-8, so a reference to {@code
 * picocli/…} shows in its bytes). Only {@code io.headwise.cli} may.
 */
class JobsWithoutPicocliTest {

    @Test
    void noJobClassRefersToPicocli() throws URISyntaxException {
        Path classes = Path.of(ExtractJob.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<Path> jobClasses = classFiles(classes.resolve("io/headwise/jobs"));
        assertThat(jobClasses).as("compiled job classes").hasSizeGreaterThan(20);
        assertThat(jobClasses)
                .filteredOn(JobsWithoutPicocliTest::refersToPicocli)
                .isEmpty();
        assertThat(classFiles(classes.resolve("io/headwise/report")))
                .filteredOn(JobsWithoutPicocliTest::refersToPicocli)
                .isEmpty();
        // The check itself finds a reference where there is one.
        assertThat(classFiles(classes.resolve("io/headwise/cli")))
                .filteredOn(JobsWithoutPicocliTest::refersToPicocli)
                .isNotEmpty();
    }

    private static List<Path> classFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".class")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean refersToPicocli(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("picocli/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
