package io.headwise.jobs;

import io.headwise.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Hyper-parameter presets, {@code conf/presets/NAME.properties}: keys are option names without
 * their dashes ({@code batch-size=64}). Precedence: an option given on the command line, then the
 * preset, then the job's default. {@code conf/} is {@code $headwise.home/conf} (set by the
 * launcher), else the first {@code conf/presets} found walking up from the working directory.
 */
public final class Presets {

    public static final String HOME_PROPERTY = "headwise.home";

    private Presets() {}

    /** The preset {@code name}, or empty properties when {@code name} is null. */
    public static Properties load(String name) {
        Properties properties = new Properties();
        if (name == null) {
            return properties;
        }
        Path dir = dir();
        Path file = dir == null ? null : dir.resolve(name + ".properties");
        if (file == null || !Files.isRegularFile(file)) {
            throw new BadInputException(
                    "--preset %s: no %s (presets live in conf/presets/)",
                    name, file == null ? "conf/presets directory found" : file);
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new BadInputException("%s: cannot read (%s)", file, e.getMessage());
        }
        return properties;
    }

    private static Path dir() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "conf", "presets");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("conf/presets"))) {
                return d.resolve("conf/presets");
            }
        }
        return null;
    }

    /** Resolved option values: the explicit one, else the preset's, else {@code fallback}. */
    public static final class Values {

        private final Properties preset;
        private final String presetName;

        public Values(String presetName) {
            this.presetName = presetName;
            this.preset = load(presetName);
        }

        public int integer(String option, Integer explicit, int fallback) {
            if (explicit != null) {
                return explicit;
            }
            String value = preset.getProperty(option);
            try {
                return value == null ? fallback : Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new BadInputException("preset %s: %s=%s is not an integer", presetName, option, value);
            }
        }

        public double number(String option, Double explicit, double fallback) {
            if (explicit != null) {
                return explicit;
            }
            String value = preset.getProperty(option);
            try {
                return value == null ? fallback : Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new BadInputException("preset %s: %s=%s is not a number", presetName, option, value);
            }
        }

        public String string(String option, String explicit, String fallback) {
            if (explicit != null) {
                return explicit;
            }
            String value = preset.getProperty(option);
            return value == null ? fallback : value.strip();
        }

        public boolean flag(String option, Boolean explicit, boolean fallback) {
            if (explicit != null) {
                return explicit;
            }
            String value = preset.getProperty(option);
            if (value == null) {
                return fallback;
            }
            return switch (value.strip()) {
                case "true" -> true;
                case "false" -> false;
                default ->
                    throw new BadInputException("preset %s: %s=%s is not true or false", presetName, option, value);
            };
        }
    }
}
