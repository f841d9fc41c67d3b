package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import io.headwise.model.Intervention.Mean;
import io.headwise.model.Intervention.Merge;
import io.headwise.model.Intervention.Zero;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterventionTest {

    /** 3 layers of 4 heads. */
    private static final GptConfig CONFIG = GptConfig.of(10, 8, 16, 3, 4);

    private static Intervention parse(String spec) {
        return Intervention.parse(spec, CONFIG);
    }

    @Test
    void parsesEachKind() {
        Intervention zero = parse("zero 1.2");
        assertThat(zero.edits()).containsExactly(new Zero(1, 2));
        assertThat(zero.kind()).isEqualTo("zero");
        assertThat(zero.text()).isEqualTo("zero 1.2");

        Intervention mean = parse("mean 0.3");
        assertThat(mean.edits()).containsExactly(new Mean(0, 3));
        assertThat(mean.kind()).isEqualTo("mean");
        assertThat(mean.needsMean()).isTrue();
        assertThat(zero.needsMean()).isFalse();

        Intervention merge = parse("merge 0.1+2@0.25");
        assertThat(merge.edits()).containsExactly(new Merge(0, 1, 2, 0.25));
        assertThat(merge.kind()).isEqualTo("merge");
        assertThat(merge.text()).isEqualTo("merge 0.1+2@0.25");
    }

    @Test
    void mergeWithoutAlphaTakesOneHalfAndSaysSo() {
        Intervention merge = parse("merge 2.3+0");
        assertThat(merge.edits()).containsExactly(new Merge(2, 3, 0, 0.5));
        assertThat(merge.text()).isEqualTo("merge 2.3+0@0.5");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "merge 0.1+2@1.0|merge 0.1+2@1",
                "merge 0.1+2@0|merge 0.1+2@0",
                "merge 0.1+2@.5|merge 0.1+2@0.5",
                "merge 0.1+0.2@0.5|merge 0.1+2@0.5",
                "'  zero   01.2  '|zero 1.2",
                "zero 1.2&zero 0.3|zero 1.2 & zero 0.3",
                "zero 1.2  &   mean 0.3 & merge 2.0+1|zero 1.2 & mean 0.3 & merge 2.0+1@0.5",
            })
    void canonicalText(String spec, String canonical) {
        Intervention parsed = parse(spec);
        assertThat(parsed.text()).isEqualTo(canonical);
        assertThat(parse(canonical)).isEqualTo(parsed);
    }

    @Test
    void jointKeepsEveryEditInOrder() {
        Intervention joint = parse("zero 1.2 & mean 0.3 & merge 2.0+1@0.75");
        assertThat(joint.kind()).isEqualTo("joint");
        assertThat(joint.edits()).containsExactly(new Zero(1, 2), new Mean(0, 3), new Merge(2, 0, 1, 0.75));
        assertThat(joint.needsMean()).isTrue();
    }

    @Test
    void mergeAndAblationOfOneHeadCompose() {
        assertThat(parse("merge 1.0+1 & zero 1.0").edits()).hasSize(2);
        assertThat(parse("merge 1.0+1 & mean 1.1").edits()).hasSize(2);
    }

    @Test
    void selfMergeIsAllowedWithANote() {
        Intervention self = parse("merge 1.2+2@0.3");
        assertThat(self.edits()).containsExactly(new Merge(1, 2, 2, 0.3));
        assertThat(self.note())
                .hasValue("intervention \"merge 1.2+2@0.3\": merge 1.2+2@0.3 merges a head with itself,"
                        + " which changes nothing (Δ = 0)");
        assertThat(parse("merge 1.2+3").note()).isEmpty();
    }

    @Test
    void noneAndFactories() {
        assertThat(Intervention.none().kind()).isEqualTo("none");
        assertThat(Intervention.none().edits()).isEmpty();
        Intervention joint = Intervention.of(new Zero(0, 1), new Merge(1, 2, 3, 1));
        assertThat(joint.text()).isEqualTo("zero 0.1 & merge 1.2+3@1");
        assertThat(joint).isEqualTo(parse(joint.text()));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // unknown layer or head
                "zero 3.0|intervention \"zero 3.0\": layer 3 does not exist (the model has layers 0..2)",
                "mean 0.4|intervention \"mean 0.4\": head 0.4 does not exist (layer 0 has heads 0..3)",
                "zero 99999999999.0|intervention \"zero 99999999999.0\": layer 99999999999 does not exist"
                        + " (the model has layers 0..2)",
                "merge 1.0+7|intervention \"merge 1.0+7\": head 1.7 does not exist (layer 1 has heads 0..3)",
                "merge 5.0+1|intervention \"merge 5.0+1\": layer 5 does not exist (the model has layers 0..2)",
                // α outside [0, 1] or not a number
                "merge 0.1+2@1.5|intervention \"merge 0.1+2@1.5\": α 1.5 is outside [0, 1]",
                "merge 0.1+2@-0.5|intervention \"merge 0.1+2@-0.5\": α -0.5 is outside [0, 1]",
                "merge 0.1+2@x|intervention \"merge 0.1+2@x\": α \"x\" is not a number in [0, 1]",
                "merge 0.1+2@|intervention \"merge 0.1+2@\": α \"\" is not a number in [0, 1]",
                "merge 0.1+2@NaN|intervention \"merge 0.1+2@NaN\": α \"NaN\" is not a number in [0, 1]",
                // a merge across layers
                "merge 0.1+1.2|intervention \"merge 0.1+1.2\": a merge joins two heads of one layer,"
                        + " but \"0.1+1.2\" names heads of layers 0 and 1",
                // malformed
                "flip 1.2|intervention \"flip 1.2\": unknown kind \"flip\"; expected zero, mean or merge",
                "Zero 1.2|intervention \"Zero 1.2\": unknown kind \"Zero\"; expected zero, mean or merge",
                "zero 1|intervention \"zero 1\": \"1\" is not a head; write LAYER.HEAD, e.g. zero 1.2",
                "mean a.b|intervention \"mean a.b\": \"a.b\" is not a head; write LAYER.HEAD, e.g. mean 1.2",
                "zero -1.2|intervention \"zero -1.2\": \"-1.2\" is not a head; write LAYER.HEAD, e.g. zero 1.2",
                "merge 0.1|intervention \"merge 0.1\": \"0.1\" is not LAYER.HEAD1+HEAD2[@ALPHA];"
                        + " write e.g. merge 0.1+2@0.5",
                "zero|intervention \"zero\": \"zero\" is not KIND HEAD; write e.g. zero 1.2, mean 0.3 or"
                        + " merge 0.1+2@0.5, joined with \" & \"",
                "zero 1.2 0.3|intervention \"zero 1.2 0.3\": \"zero 1.2 0.3\" is not KIND HEAD; write e.g."
                        + " zero 1.2, mean 0.3 or merge 0.1+2@0.5, joined with \" & \"",
                "zero 1.2 &|intervention \"zero 1.2 &\": empty part around \"&\"; write e.g. zero 1.2,"
                        + " mean 0.3 or merge 0.1+2@0.5, joined with \" & \"",
                "'  '|intervention \"  \": empty; write e.g. zero 1.2, mean 0.3 or merge 0.1+2@0.5,"
                        + " joined with \" & \"",
                // one head changed twice
                "zero 1.2 & mean 1.2|intervention \"zero 1.2 & mean 1.2\": head 1.2 is zeroed or"
                        + " mean-ablated twice; one intervention gives a head one such change",
                "zero 1.2 & zero 1.2|intervention \"zero 1.2 & zero 1.2\": head 1.2 is zeroed or"
                        + " mean-ablated twice; one intervention gives a head one such change",
                "merge 0.1+2 & merge 0.2+3|intervention \"merge 0.1+2 & merge 0.2+3\": head 0.2 is merged"
                        + " twice; one intervention gives a head one such change",
            })
    void badInputIsOneLineQuotingTheSpec(String spec, String message) {
        assertThatThrownBy(() -> parse(spec))
                .isInstanceOf(BadInputException.class)
                .hasMessage(message);
    }

    @Test
    void controlCharactersDoNotBreakTheLine() {
        assertThatThrownBy(() -> parse("zero 1.2 &\n"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("intervention \"zero 1.2 &?\": empty part around \"&\"; write e.g. zero 1.2,"
                        + " mean 0.3 or merge 0.1+2@0.5, joined with \" & \"");
        assertThatThrownBy(() -> parse(null)).hasMessageStartingWith("intervention \"\": empty");
    }
}
