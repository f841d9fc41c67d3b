package io.headwise.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.headwise.model.Explanation;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextExplanationTest {

    /**
     * One layer, two heads over two tokens: head 0 looks at token 0, head 1 at itself. The head
     * mean is {@code [[1], [½, ½]]}, so rollout {@code ½·Ā + ½·I = [[1], [¼, ¾]]}; value norms
     * {@code (2, 3)} and {@code (0, 5)} scale the keys of each head.
     */
    @Test
    void rolloutAndValueWeightingOfAHandCaseAndItsJson() {
        float[][][][] patterns = {{{{1f}, {1f, 0f}}, {{1f}, {0f, 1f}}}};
        float[][][] valueNorms = {{{2f, 3f}, {0f, 5f}}};
        Explanation explanation = new Explanation(
                valueNorms,
                new float[][] {{1f}},
                new int[][] {{4, 7}},
                new float[][] {{0.5f, 0.625f}},
                new float[][] {{0.25f}},
                new int[][] {{3}});

        TextExplanation x = TextExplanation.of(patterns, explanation, new String[][] {{"a", "b"}});

        assertThat(x.rollout()).isDeepEqualTo(new float[][] {{1f}, {0.25f, 0.75f}});
        assertThat(x.valueWeighted()[0][0]).isDeepEqualTo(new float[][] {{2f}, {2f, 0f}});
        assertThat(x.valueWeighted()[0][1]).isDeepEqualTo(new float[][] {{0f}, {0f, 5f}});
        assertThat(x.gradRollout()).isDeepEqualTo(new float[][] {{1f}});

        JsonObject json = ExplainJson.text(x).getAsJsonObject();
        assertThat(json.get("rollout").toString()).isEqualTo("[[1],[0.25,0.75]]");
        assertThat(json.get("value_weighted").toString()).isEqualTo("[[[[2],[2,0]],[[0],[0,5]]]]");
        JsonObject lens = json.getAsJsonObject("lens");
        assertThat(lens.get("top_token").toString()).isEqualTo("[[\"a\",\"b\"]]");
        assertThat(lens.get("top_prob").toString()).isEqualTo("[[0.5,0.625]]");
        assertThat(lens.get("target_prob").toString()).isEqualTo("[[0.25]]");
        assertThat(lens.get("target_rank").toString()).isEqualTo("[[3]]");
        assertThat(ExplainJson.text(null).isJsonNull()).isTrue();
    }

    @Test
    void layerSummaryAsColumns() {
        List<CorpusView.LayerSummary> rows = List.of(
                new CorpusView.LayerSummary(0, 10, 0.125, 0.5, 4), new CorpusView.LayerSummary(1, 10, 0.75, 1, 1));
        JsonObject json = ExplainJson.layerSummary(rows).getAsJsonObject();
        assertThat(json.get("layer").toString()).isEqualTo("[0,1]");
        assertThat(json.get("target_prob").toString()).isEqualTo("[0.125,0.75]");
        assertThat(json.get("top1").toString()).isEqualTo("[0.5,1]");
        assertThat(json.get("target_rank").toString()).isEqualTo("[4,1]");
        assertThat(ExplainJson.layerSummary(null).isJsonNull()).isTrue();
    }
}
