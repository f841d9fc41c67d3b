package io.headwise.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import io.headwise.tokenize.TextTokenizer;
import java.util.List;

/**
 * {@code inspect --intervene}: one text's losses, mean loss and next-token prediction under each
 * intervention beside the model's own (the first of the lists, {@link Intervention#none()}), as a
 * table or as the {@code interventions} array of {@code --format json}.
 */
final class InterventionView {

    private InterventionView() {}

    static void print(
            JobContext context,
            TextTokenizer tokenizer,
            String[] pieces,
            List<Intervention> interventions,
            List<InterventionPass.Outcome> outcomes) {
        context.print("");
        for (Intervention intervention : interventions) {
            intervention.note().ifPresent(note -> context.print("note: %s", note));
        }
        double base = InterventionPass.meanLoss(outcomes.get(0).loss());
        context.print("%-32s %9s %9s  %s", "intervention", "loss", "Δloss", "next (p)");
        for (int i = 0; i < interventions.size(); i++) {
            InterventionPass.Outcome o = outcomes.get(i);
            double loss = InterventionPass.meanLoss(o.loss());
            context.print(
                    "%-32s %9.4f %+9.4f  %s (%.4f)",
                    interventions.get(i).text(),
                    loss,
                    loss - base,
                    InspectJob.printable(tokenizer.pieces(new int[] {o.nextTokenId()})[0]),
                    o.nextTokenProb());
        }
        if (pieces.length < 2) {
            return;
        }
        context.print("");
        StringBuilder header = new StringBuilder(String.format("%8s %-10s", "position", "next"));
        for (Intervention intervention : interventions) {
            header.append(String.format(" %12s", shortName(intervention.text())));
        }
        context.print("%s", header);
        for (int t = 0; t + 1 < pieces.length; t++) {
            StringBuilder line = new StringBuilder(String.format("%8d %-10s", t, InspectJob.printable(pieces[t + 1])));
            for (InterventionPass.Outcome o : outcomes) {
                line.append(String.format(" %12.4f", o.loss()[t]));
            }
            context.print("%s", line);
        }
    }

    static JsonArray json(
            TextTokenizer tokenizer, List<Intervention> interventions, List<InterventionPass.Outcome> outcomes) {
        double base = InterventionPass.meanLoss(outcomes.get(0).loss());
        JsonArray array = new JsonArray();
        for (int i = 1; i < interventions.size(); i++) {
            Intervention intervention = interventions.get(i);
            InterventionPass.Outcome o = outcomes.get(i);
            JsonObject json = new JsonObject();
            json.addProperty("intervention", intervention.text());
            json.addProperty("kind", intervention.kind());
            json.add(
                    "note",
                    intervention
                            .note()
                            .<com.google.gson.JsonElement>map(JsonPrimitive::new)
                            .orElse(JsonNull.INSTANCE));
            JsonArray loss = new JsonArray();
            for (float v : o.loss()) {
                loss.add(v);
            }
            loss.add(JsonNull.INSTANCE);
            json.add("loss", loss);
            double mean = InterventionPass.meanLoss(o.loss());
            json.add("mean_loss", Double.isNaN(mean) ? JsonNull.INSTANCE : new JsonPrimitive(mean));
            json.add("delta_loss", Double.isNaN(mean) ? JsonNull.INSTANCE : new JsonPrimitive(mean - base));
            json.addProperty("next_token", tokenizer.pieces(new int[] {o.nextTokenId()})[0]);
            json.addProperty("next_token_id", o.nextTokenId());
            json.addProperty("next_token_prob", o.nextTokenProb());
            JsonArray patterns = new JsonArray();
            for (float[][][] layer : o.patterns()) {
                JsonArray heads = new JsonArray();
                for (float[][] head : layer) {
                    JsonArray rows = new JsonArray();
                    for (float[] row : head) {
                        JsonArray values = new JsonArray();
                        for (float v : row) {
                            values.add(v);
                        }
                        rows.add(values);
                    }
                    heads.add(rows);
                }
                patterns.add(heads);
            }
            json.add("patterns", patterns);
            array.add(json);
        }
        return array;
    }

    private static String shortName(String text) {
        return text.length() <= 12 ? text : text.substring(0, 11) + "…";
    }
}
