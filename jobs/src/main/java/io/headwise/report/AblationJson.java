package io.headwise.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * {@link AblationView} as the {@code ablation} member of the report's JSON document, read by
 * {@code ablation.js}; numbers as {@link ReportJson#number} writes them.
 */
final class AblationJson {

    private AblationJson() {}

    static JsonElement of(AblationView view) {
        if (view == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject json = new JsonObject();
        if (view.corpus() == null) {
            json.add("rows", JsonNull.INSTANCE);
        } else {
            JsonArray rows = new JsonArray();
            view.corpus().forEach(r -> rows.add(row(r)));
            json.add("rows", rows);
        }
        json.add("spearman", ReportJson.number(view.spearman()));
        JsonArray texts = new JsonArray();
        view.texts().forEach(t -> texts.add(removal(t)));
        json.add("texts", texts);
        return json;
    }

    private static JsonObject row(AblationView.HeadAblation r) {
        JsonObject json = new JsonObject();
        json.addProperty("intervention", r.intervention());
        json.addProperty("kind", r.kind());
        json.add("layer", integer(r.layer()));
        json.add("head", integer(r.head()));
        json.add("head2", integer(r.head2()));
        json.addProperty("n_samples", r.nSamples());
        json.add("base_loss", ReportJson.number(r.baseLoss()));
        json.add("delta_loss", ReportJson.number(r.deltaLoss()));
        json.add("delta_mean", ReportJson.number(r.deltaMean()));
        json.add("delta_ci_low", nullable(r.ciLow()));
        json.add("delta_ci_high", nullable(r.ciHigh()));
        json.add("frac_hurt", ReportJson.number(r.fracHurt()));
        json.add("grad_proxy", nullable(r.gradProxy()));
        return json;
    }

    private static JsonObject removal(AblationView.TextRemoval t) {
        int layers = t.headLosses().length;
        JsonObject json = new JsonObject();
        json.add("base_loss", ReportJson.number(t.baseLoss()));
        JsonArray delta = new JsonArray();
        JsonArray positions = new JsonArray();
        for (int l = 0; l < layers; l++) {
            JsonArray heads = new JsonArray();
            JsonArray headPositions = new JsonArray();
            for (int h = 0; h < t.headLosses()[l].length; h++) {
                heads.add(ReportJson.number(t.delta(l, h)));
                JsonArray row = new JsonArray();
                for (double d : t.positionDelta(l, h)) {
                    row.add(ReportJson.number(d));
                }
                headPositions.add(row);
            }
            delta.add(heads);
            positions.add(headPositions);
        }
        json.add("delta", delta);
        json.add("position_delta", positions);
        return json;
    }

    private static JsonElement integer(Integer v) {
        return v == null ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }

    private static JsonElement nullable(Double v) {
        return v == null ? JsonNull.INSTANCE : ReportJson.number(v);
    }
}
