package io.headwise.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The JSON of the report's explanation views and 3-D views (read by {@code explain.js} and {@code
 * view3d.js}): a text's {@link TextExplanation}, {@code layer_summary} and the {@link
 * ModelArchitecture}. Numbers as in {@link ReportJson}: four significant digits, null when not
 * finite.
 */
final class ExplainJson {

    private ExplainJson() {}

    /** {@code explanation} as {@code rollout}, {@code grad_rollout}, {@code value_weighted}, {@code lens}; null stays null. */
    static JsonElement text(TextExplanation explanation) {
        if (explanation == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject json = new JsonObject();
        json.add("rollout", matrix(explanation.rollout()));
        json.add("grad_rollout", matrix(explanation.gradRollout()));
        if (explanation.gradXInputByPrediction() != null) {
            json.add("grad_x_input_by_prediction", matrix(explanation.gradXInputByPrediction()));
        }
        JsonArray weighted = new JsonArray();
        for (float[][][] layer : explanation.valueWeighted()) {
            JsonArray heads = new JsonArray();
            for (float[][] head : layer) {
                heads.add(matrix(head));
            }
            weighted.add(heads);
        }
        json.add("value_weighted", weighted);
        JsonObject lens = new JsonObject();
        JsonArray top = new JsonArray();
        for (String[] layer : explanation.lensTop()) {
            top.add(JsonArrays.strings(layer));
        }
        lens.add("top_token", top);
        lens.add("top_prob", matrix(explanation.lensTopProb()));
        lens.add("target_prob", matrix(explanation.lensTargetProb()));
        JsonArray ranks = new JsonArray();
        for (int[] layer : explanation.lensTargetRank()) {
            JsonArray row = new JsonArray();
            for (int r : layer) {
                row.add(r);
            }
            ranks.add(row);
        }
        lens.add("target_rank", ranks);
        json.add("lens", lens);
        return json;
    }

    /** {@code layer_summary} rows as column arrays, or null when it is not computed. */
    static JsonElement layerSummary(List<CorpusView.LayerSummary> rows) {
        if (rows == null) {
            return JsonNull.INSTANCE;
        }
        JsonArray layer = new JsonArray();
        JsonArray n = new JsonArray();
        JsonArray targetProb = new JsonArray();
        JsonArray top1 = new JsonArray();
        JsonArray rank = new JsonArray();
        for (CorpusView.LayerSummary r : rows) {
            layer.add(r.layer());
            n.add(r.nPredictions());
            targetProb.add(ReportJson.number(r.targetProb()));
            top1.add(ReportJson.number(r.top1()));
            rank.add(ReportJson.number(r.targetRank()));
        }
        JsonObject json = new JsonObject();
        json.add("layer", layer);
        json.add("n_predictions", n);
        json.add("target_prob", targetProb);
        json.add("top1", top1);
        json.add("target_rank", rank);
        return json;
    }

    /** The parts bottom to top, each {@code kind, name, layer, head, parameters}, and their total. */
    static JsonObject architecture(ModelArchitecture architecture) {
        JsonArray parts = new JsonArray();
        for (ModelArchitecture.Part p : architecture.parts()) {
            JsonObject row = new JsonObject();
            row.addProperty("kind", p.kind());
            row.addProperty("name", p.name());
            row.addProperty("layer", p.layer());
            row.addProperty("head", p.head());
            row.addProperty("parameters", p.parameters());
            parts.add(row);
        }
        JsonObject json = new JsonObject();
        json.add("parts", parts);
        json.addProperty("total_parameters", architecture.totalParameters());
        return json;
    }

    private static JsonArray matrix(float[][] rows) {
        JsonArray array = new JsonArray();
        for (float[] row : rows) {
            JsonArray r = new JsonArray();
            for (float v : row) {
                r.add(ReportJson.number(v));
            }
            array.add(r);
        }
        return array;
    }
}
