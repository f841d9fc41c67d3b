package io.headwise.model;

import io.headwise.BadInputException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A change to heads during the forward pass (SPEC §5): one or several {@link Edit edits} that act
 * together. Its {@link #text canonical text} is what tables and the command line use:
 *
 * <ul>
 *   <li>{@code zero L.H}: head {@code H} of layer {@code L} writes nothing (gate 0);
 *   <li>{@code mean L.H}: the head's {@code z} is replaced at every position by {@code z̄_{L,H}};
 *   <li>{@code merge L.H1+H2@α}: both heads' patterns become {@code α·A_{H1} + (1−α)·A_{H2}};
 *   <li>several of them joined with {@code " & "}.
 * </ul>
 *
 * <p>Within one intervention a head takes at most one of {@code zero}/{@code mean} and is in at
 * most one merge; a merge and a {@code zero}/{@code mean} of the same head compose (the merged
 * pattern gives {@code z}, which is then gated or replaced). {@link #none()} is the model itself.
 *
 * @param text canonical text ({@code "none"} for {@link #none()})
 * @param edits what the intervention does, in the order written
 */
public record Intervention(String text, List<Edit> edits) {

    /** α when {@code merge} omits it. */
    public static final double ALPHA_DEFAULT = 0.5;

    private static final Pattern PART = Pattern.compile("(\\S+)\\s+(\\S+)");
    private static final Pattern HEAD = Pattern.compile("(\\d+)\\.(\\d+)");
    private static final Pattern MERGE = Pattern.compile("(\\d+)\\.(\\d+)\\+(?:(\\d+)\\.)?(\\d+)(?:@(.*))?");
    private static final Pattern ALPHA = Pattern.compile("-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)");
    private static final String EXAMPLES = "zero 1.2, mean 0.3 or merge 0.1+2@0.5, joined with \" & \"";

    public Intervention {
        edits = List.copyOf(edits);
    }

    /** One change to one or two heads of one layer. */
    public sealed interface Edit permits Zero, Mean, Merge {
        int layer();

        /** Canonical text of this edit alone. */
        String text();
    }

    /** Head {@code head} of {@code layer} ablated to zero. */
    public record Zero(int layer, int head) implements Edit {
        @Override
        public String text() {
            return "zero " + layer + "." + head;
        }
    }

    /** Head {@code head} of {@code layer}: {@code z} replaced by its mean {@code z̄}. */
    public record Mean(int layer, int head) implements Edit {
        @Override
        public String text() {
            return "mean " + layer + "." + head;
        }
    }

    /** Heads {@code head1} and {@code head2} of {@code layer} share {@code α·A_1 + (1−α)·A_2}. */
    public record Merge(int layer, int head1, int head2, double alpha) implements Edit {
        @Override
        public String text() {
            return "merge " + layer + "." + head1 + "+" + head2 + "@" + formatAlpha(alpha);
        }
    }

    /** No edit: the model as it is. */
    public static Intervention none() {
        return new Intervention("none", List.of());
    }

    public static Intervention of(Edit... edits) {
        List<Edit> list = List.of(edits);
        return new Intervention(list.stream().map(Edit::text).collect(Collectors.joining(" & ")), list);
    }

    /** {@code zero|mean|merge} for a single edit, {@code joint} for several, {@code none}. */
    public String kind() {
        if (edits.isEmpty()) {
            return "none";
        }
        if (edits.size() > 1) {
            return "joint";
        }
        Edit edit = edits.get(0);
        return edit instanceof Zero ? "zero" : edit instanceof Mean ? "mean" : "merge";
    }

    /** Whether the intervention leaves the model as it is: no edit, or only merges of a head with itself. */
    public boolean changesNothing() {
        return edits.stream().allMatch(e -> e instanceof Merge m && m.head1() == m.head2());
    }

    /** Whether some edit is a mean ablation, which needs {@code z̄}. */
    public boolean needsMean() {
        return edits.stream().anyMatch(e -> e instanceof Mean);
    }

    /**
     * What a user should know about an intervention that is valid but does nothing: a merge of a
     * head with itself leaves the model unchanged ({@code Δ = 0}).
     */
    public Optional<String> note() {
        List<String> selfMerges = edits.stream()
                .filter(e -> e instanceof Merge m && m.head1() == m.head2())
                .map(Edit::text)
                .toList();
        if (selfMerges.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                "intervention \"%s\": %s merges a head with itself, which changes nothing (Δ = 0)",
                text, String.join(", ", selfMerges)));
    }

    /**
     * Parses {@code spec} (e.g. {@code "zero 1.2 & merge 0.1+2@0.5"}) for a model of {@code
     * config}'s shape. Spaces around words and {@code &} are free; the kind is lower case.
     *
     * @throws BadInputException with one line quoting {@code spec} and the part at fault
     */
    public static Intervention parse(String spec, GptConfig config) {
        if (spec == null || spec.isBlank()) {
            throw bad(spec == null ? "" : spec, "empty; write e.g. %s", EXAMPLES);
        }
        List<Edit> edits = new ArrayList<>();
        for (String part : spec.split("&", -1)) {
            String trimmed = part.strip();
            if (trimmed.isEmpty()) {
                throw bad(spec, "empty part around \"&\"; write e.g. %s", EXAMPLES);
            }
            edits.add(parseEdit(spec, trimmed, config));
        }
        checkCompatible(spec, edits);
        return new Intervention(edits.stream().map(Edit::text).collect(Collectors.joining(" & ")), edits);
    }

    private static Edit parseEdit(String spec, String part, GptConfig config) {
        Matcher m = PART.matcher(part);
        if (!m.matches()) {
            throw bad(spec, "\"%s\" is not KIND HEAD; write e.g. %s", part, EXAMPLES);
        }
        String kind = m.group(1);
        String target = m.group(2);
        return switch (kind) {
            case "zero", "mean" -> {
                Matcher head = HEAD.matcher(target);
                if (!head.matches()) {
                    throw bad(spec, "\"%s\" is not a head; write LAYER.HEAD, e.g. %s 1.2", target, kind);
                }
                int layer = layer(spec, head.group(1), config);
                int h = head(spec, layer, head.group(2), config);
                yield kind.equals("zero") ? new Zero(layer, h) : new Mean(layer, h);
            }
            case "merge" -> parseMerge(spec, target, config);
            default -> throw bad(spec, "unknown kind \"%s\"; expected zero, mean or merge", kind);
        };
    }

    private static Merge parseMerge(String spec, String target, GptConfig config) {
        Matcher m = MERGE.matcher(target);
        if (!m.matches()) {
            throw bad(spec, "\"%s\" is not LAYER.HEAD1+HEAD2[@ALPHA]; write e.g. merge 0.1+2@0.5", target);
        }
        int layer = layer(spec, m.group(1), config);
        if (m.group(3) != null && !m.group(3).equals(m.group(1))) {
            throw bad(
                    spec,
                    "a merge joins two heads of one layer, but \"%s\" names heads of layers %s and %s",
                    target,
                    m.group(1),
                    m.group(3));
        }
        int head1 = head(spec, layer, m.group(2), config);
        int head2 = head(spec, layer, m.group(4), config);
        double alpha = ALPHA_DEFAULT;
        if (m.group(5) != null) {
            String text = m.group(5);
            if (!ALPHA.matcher(text).matches()) {
                throw bad(spec, "α \"%s\" is not a number in [0, 1]", text);
            }
            alpha = Double.parseDouble(text);
            if (alpha < 0 || alpha > 1) {
                throw bad(spec, "α %s is outside [0, 1]", text);
            }
        }
        return new Merge(layer, head1, head2, alpha);
    }

    /** A head is zeroed or mean-ablated at most once, and in at most one merge. */
    private static void checkCompatible(String spec, List<Edit> edits) {
        Set<String> replaced = new HashSet<>();
        Set<String> merged = new HashSet<>();
        for (Edit e : edits) {
            if (e instanceof Zero z) {
                requireNew(spec, replaced, z.layer() + "." + z.head(), "zeroed or mean-ablated");
            } else if (e instanceof Mean z) {
                requireNew(spec, replaced, z.layer() + "." + z.head(), "zeroed or mean-ablated");
            } else if (e instanceof Merge m) {
                requireNew(spec, merged, m.layer() + "." + m.head1(), "merged");
                if (m.head2() != m.head1()) {
                    requireNew(spec, merged, m.layer() + "." + m.head2(), "merged");
                }
            }
        }
    }

    private static void requireNew(String spec, Set<String> seen, String head, String what) {
        if (!seen.add(head)) {
            throw bad(spec, "head %s is %s twice; one intervention gives a head one such change", head, what);
        }
    }

    private static int layer(String spec, String text, GptConfig config) {
        int layer = index(text);
        if (layer >= config.nLayer()) {
            throw bad(spec, "layer %s does not exist (the model has layers 0..%d)", text, config.nLayer() - 1);
        }
        return layer;
    }

    private static int head(String spec, int layer, String text, GptConfig config) {
        int head = index(text);
        if (head >= config.nHead()) {
            throw bad(
                    spec,
                    "head %d.%s does not exist (layer %d has heads 0..%d)",
                    layer,
                    text,
                    layer,
                    config.nHead() - 1);
        }
        return head;
    }

    /** A run of digits as an int; too large for an int is as out of range as any index past the end. */
    private static int index(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The shortest decimal text: 0.5, 1, 0, 0.25. */
    static String formatAlpha(double alpha) {
        return BigDecimal.valueOf(alpha).stripTrailingZeros().toPlainString();
    }

    private static BadInputException bad(String spec, String format, Object... args) {
        // Control characters would break the one-line message.
        String line = String.format("intervention \"%s\": %s", spec, String.format(format, args));
        return new BadInputException("%s", line.replaceAll("\\p{Cntrl}", "?"));
    }
}
