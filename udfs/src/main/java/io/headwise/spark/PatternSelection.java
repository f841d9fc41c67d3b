package io.headwise.spark;

import io.headwise.BadInputException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which samples get {@code attention} rows ({@code extract --patterns}), or explanations ({@code
 * --explain}). Deterministic on {@code
 * sample_id}, so two runs over the same tokens select the same samples whatever the partitioning:
 *
 * <ul>
 *   <li>{@code none} / {@code all};
 *   <li>a fraction {@code f} in (0, 1): a sample is selected when {@code u(sample_id) < f}, with
 *       {@code u(id) = (splitmix64(id) >>> 11) / 2^53}, a uniform value in [0, 1);
 *   <li>{@code ids:1,2,3}: exactly those sample ids.
 * </ul>
 */
public final class PatternSelection implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final double fraction;
    private final long[] ids;

    private PatternSelection(String text, double fraction, long[] ids) {
        this.text = text;
        this.fraction = fraction;
        this.ids = ids;
    }

    public static PatternSelection all() {
        return new PatternSelection("all", 1.0, null);
    }

    public static PatternSelection none() {
        return new PatternSelection("none", 0.0, null);
    }

    public static PatternSelection fraction(double fraction) {
        return fraction("--patterns", fraction);
    }

    private static PatternSelection fraction(String option, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new BadInputException("%s: a fraction must be in [0, 1], got %s", option, fraction);
        }
        return new PatternSelection(Double.toString(fraction), fraction, null);
    }

    /**
     * Parses {@code --patterns}' {@code none|all|FRACTION|ids:1,2,3}.
     *
     * @throws BadInputException naming the option and the value
     */
    public static PatternSelection parse(String value) {
        return parse("--patterns", value);
    }

    /**
     * Parses {@code none|all|FRACTION|ids:1,2,3}, the value of {@code option}.
     *
     * @throws BadInputException naming the option and the value
     */
    public static PatternSelection parse(String option, String value) {
        String v = value.strip();
        if (v.equals("none")) {
            return none();
        }
        if (v.equals("all")) {
            return all();
        }
        if (v.startsWith("ids:")) {
            Set<Long> set = new TreeSet<>();
            for (String part : v.substring(4).split(",")) {
                try {
                    set.add(Long.parseLong(part.strip()));
                } catch (NumberFormatException e) {
                    throw new BadInputException("%s: '%s' in '%s' is not a sample id", option, part, value);
                }
            }
            long[] ids = set.stream().mapToLong(Long::longValue).toArray();
            return new PatternSelection(v, Double.NaN, ids);
        }
        try {
            return fraction(option, Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new BadInputException(
                    "%s must be none, all, a fraction in [0, 1] or ids:1,2,3; got '%s'", option, value);
        }
    }

    /** Whether no sample can be selected ({@code none}, {@code 0} or an empty id list). */
    public boolean selectsNone() {
        return ids != null ? ids.length == 0 : fraction <= 0;
    }

    public boolean selects(long sampleId) {
        if (ids != null) {
            return Arrays.binarySearch(ids, sampleId) >= 0;
        }
        if (fraction >= 1) {
            return true;
        }
        return uniform(sampleId) < fraction;
    }

    /** {@code (splitmix64(id) >>> 11) / 2^53}: a uniform value in [0, 1) fixed by the id. */
    static double uniform(long id) {
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** The selection as given on the command line ({@code all}, {@code 0.02}, {@code ids:…}). */
    @Override
    public String toString() {
        return text;
    }
}
