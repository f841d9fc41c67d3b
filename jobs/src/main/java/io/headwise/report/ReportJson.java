package io.headwise.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.headwise.model.GptConfig;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * {@link ReportData} as the JSON document the page's script reads. Numbers keep four significant
 * digits (enough for a colour or a tooltip, and it keeps the page small); non-finite numbers
 * become null.
 */
final class ReportJson {

    private static final MathContext DIGITS = new MathContext(4);

    private ReportJson() {}

    static JsonObject of(ReportData data) {
        JsonObject json = new JsonObject();
        json.addProperty("title", data.title());
        json.add("model", model(data.model()));
        JsonArray texts = new JsonArray();
        data.texts().forEach(t -> texts.add(text(t)));
        json.add("texts", texts);
        json.add("corpus", data.corpus() == null ? JsonNull.INSTANCE : corpus(data.corpus()));
        json.add("embedding", data.embedding() == null ? JsonNull.INSTANCE : embedding(data.embedding()));
        json.add("curve", data.curve() == null ? JsonNull.INSTANCE : curve(data.curve()));
        json.add("ablation", AblationJson.of(data.ablation()));
        return json;
    }

    private static JsonObject model(ModelSummary m) {
        GptConfig c = m.config();
        JsonObject json = new JsonObject();
        json.addProperty("directory", m.directory());
        json.addProperty("n_layer", c.nLayer());
        json.addProperty("n_head", c.nHead());
        json.addProperty("n_embd", c.nEmbd());
        json.addProperty("d_head", c.dHead());
        json.addProperty("d_mlp", c.dMlp());
        json.addProperty("vocab_size", c.vocabSize());
        json.addProperty("n_positions", c.nPositions());
        json.addProperty("char_level", m.charLevel());
        JsonArray components = new JsonArray();
        for (ModelSummary.Component component : m.components()) {
            JsonObject row = new JsonObject();
            row.addProperty("name", component.name());
            row.addProperty("shape", component.shape());
            row.addProperty("parameters", component.parameters());
            components.add(row);
        }
        json.add("components", components);
        json.addProperty("total_parameters", m.totalParameters());
        json.add("architecture", ExplainJson.architecture(ModelArchitecture.of(c)));
        return json;
    }

    private static JsonObject text(TextView t) {
        JsonObject json = new JsonObject();
        json.addProperty("text", t.text());
        json.add("tokens", JsonArrays.strings(t.tokens()));
        JsonArray patterns = new JsonArray();
        for (float[][][] layer : t.patterns()) {
            JsonArray heads = new JsonArray();
            for (float[][] head : layer) {
                heads.add(matrix(head));
            }
            patterns.add(heads);
        }
        json.add("patterns", patterns);
        json.add("grad_norm", t.gradNorm() == null ? JsonNull.INSTANCE : numbers(t.gradNorm()));
        json.add("grad_x_input", t.gradXInput() == null ? JsonNull.INSTANCE : numbers(t.gradXInput()));
        json.add("resid_norm", matrix(t.residNorm()));
        JsonArray top = new JsonArray();
        for (int[][] layer : t.topAttended()) {
            JsonArray heads = new JsonArray();
            for (int[] positions : layer) {
                JsonArray row = new JsonArray();
                for (int p : positions) {
                    row.add(p);
                }
                heads.add(row);
            }
            top.add(heads);
        }
        json.add("top_attended", top);
        json.add("mean_loss", number(t.meanLoss()));
        json.addProperty("next_token", t.nextToken());
        json.add("next_token_prob", number(t.nextTokenProb()));
        json.add("explain", ExplainJson.text(t.explanation()));
        return json;
    }

    private static JsonObject corpus(CorpusView c) {
        JsonObject json = new JsonObject();
        json.addProperty("tables", c.tablesDir());
        json.add("layer_summary", ExplainJson.layerSummary(c.layerSummary()));
        JsonArray statistics = new JsonArray();
        CorpusView.SUMMARY_STATISTICS.forEach(statistics::add);
        json.add("statistics", statistics);
        if (c.summary() == null) {
            json.add("summary", JsonNull.INSTANCE);
        } else {
            JsonArray rows = new JsonArray();
            for (CorpusView.HeadSummary s : c.summary()) {
                JsonObject row = new JsonObject();
                row.addProperty("layer", s.layer());
                row.addProperty("head", s.head());
                row.addProperty("n_samples", s.nSamples());
                JsonArray values = new JsonArray();
                for (Double v : s.statistics()) {
                    values.add(v == null ? JsonNull.INSTANCE : number(v));
                }
                row.add("values", values);
                row.add("cluster", s.cluster() == null ? JsonNull.INSTANCE : new JsonPrimitive(s.cluster()));
                JsonArray tops = new JsonArray();
                for (CorpusView.TopToken token : s.topTokens()) {
                    JsonObject entry = new JsonObject();
                    entry.add("token", token.token() == null ? JsonNull.INSTANCE : new JsonPrimitive(token.token()));
                    entry.add("weight", number(token.weight()));
                    tops.add(entry);
                }
                row.add("top_tokens", tops);
                rows.add(row);
            }
            json.add("summary", rows);
        }
        if (c.probes() == null) {
            json.add("probes", JsonNull.INSTANCE);
        } else {
            JsonArray rows = new JsonArray();
            for (CorpusView.Probe p : c.probes()) {
                JsonObject row = new JsonObject();
                row.addProperty("layer", p.layer());
                row.addProperty("head", p.head());
                row.add("induction", number(p.induction()));
                row.add("duplicate", number(p.duplicate()));
                row.add("prev_token", number(p.prevToken()));
                row.addProperty("n_sequences", p.nSequences());
                row.addProperty("half_length", p.halfLength());
                rows.add(row);
            }
            json.add("probes", rows);
        }
        if (c.headMap() == null) {
            json.add("head_map", JsonNull.INSTANCE);
        } else {
            JsonObject map = new JsonObject();
            JsonArray heads = new JsonArray();
            for (int[] lh : c.headMap().heads()) {
                JsonArray pair = new JsonArray();
                pair.add(lh[0]);
                pair.add(lh[1]);
                heads.add(pair);
            }
            map.add("heads", heads);
            map.add("coordinates", matrix(c.headMap().coordinates()));
            JsonArray clusters = new JsonArray();
            for (int k : c.headMap().clusters()) {
                clusters.add(k);
            }
            map.add("clusters", clusters);
            json.add("head_map", map);
        }
        return json;
    }

    private static JsonObject embedding(EmbeddingView e) {
        JsonObject json = new JsonObject();
        json.add("labels", JsonArrays.strings(e.labels()));
        json.add("coordinates", matrix(e.coordinates()));
        JsonArray explained = new JsonArray();
        for (double v : e.explained()) {
            explained.add(number(v));
        }
        json.add("explained", explained);
        return json;
    }

    private static JsonObject curve(TrainingCurve c) {
        JsonArray step = new JsonArray();
        JsonArray train = new JsonArray();
        JsonArray test = new JsonArray();
        JsonArray lr = new JsonArray();
        for (TrainingCurve.Point p : c.points()) {
            step.add(p.step());
            train.add(number(p.trainLoss()));
            test.add(number(p.testLoss()));
            lr.add(number(p.lr()));
        }
        JsonObject json = new JsonObject();
        json.add("step", step);
        json.add("train_loss", train);
        json.add("test_loss", test);
        json.add("lr", lr);
        return json;
    }

    /** {@code v} to four significant digits, or null when it is not finite. */
    static JsonElement number(double v) {
        if (!Double.isFinite(v)) {
            return JsonNull.INSTANCE;
        }
        if (v == 0) {
            return new JsonPrimitive(0);
        }
        return new JsonPrimitive(new BigDecimal(v).round(DIGITS).stripTrailingZeros());
    }

    private static JsonArray numbers(float[] values) {
        JsonArray array = new JsonArray();
        for (float v : values) {
            array.add(number(v));
        }
        return array;
    }

    private static JsonArray matrix(float[][] rows) {
        JsonArray array = new JsonArray();
        for (float[] row : rows) {
            array.add(numbers(row));
        }
        return array;
    }

    private static JsonArray matrix(double[][] rows) {
        JsonArray array = new JsonArray();
        for (double[] row : rows) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                r.add(number(v));
            }
            array.add(r);
        }
        return array;
    }
}
