package io.headwise.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.headwise.model.Explanation;
import io.headwise.model.SampleResult;
import io.headwise.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.IntToDoubleFunction;

/**
 * {@code inspect --explain}: per prediction the tokens that matter most by {@code grad_rollout} and
 * by gradient × input, and the logit lens as a layer × position table (SPEC §6); with {@code
 * --format json} the keys {@code rollout}, {@code grad_rollout}, {@code grad_x_input_by_prediction},
 * {@code value_weighted}, {@code output_norm} and {@code logit_lens}.
 */
final class ExplanationView {

    private ExplanationView() {}

    static void print(
            JobContext context,
            TextTokenizer tokenizer,
            String[] pieces,
            SampleResult result,
            InspectJob.Explained explained,
            int top) {
        Explanation x = result.explanation();
        context.print("");
        if (pieces.length < 2) {
            context.print("(one token: no prediction to explain)");
        } else {
            context.print(
                    "What each prediction rests on (top %d keys): grad_rollout = share of the relevance;"
                            + " grad_x_input = (dloss/de_k)·e_k, negative where key k lowers the loss",
                    top);
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"position", "token", "next", "p(next)", "by grad_rollout", "by grad_x_input"});
            for (int q = 0; q + 1 < pieces.length; q++) {
                float[] relevance = x.gradRollout()[q];
                float[] gradX = explained.predictionGradXInput()[q];
                rows.add(new String[] {
                    Integer.toString(q),
                    InspectJob.printable(pieces[q]),
                    InspectJob.printable(pieces[q + 1]),
                    String.format("%.4f", Math.exp(-result.loss()[q])),
                    keys(pieces, top(relevance.length, top, k -> relevance[k]), k -> relevance[k], "%.3f"),
                    keys(pieces, top(gradX.length, top, k -> Math.abs(gradX[k])), k -> gradX[k], "%+.3f")
                });
            }
            printColumns(context, rows, 2, c -> c != 0 && c != 3);
        }
        int nLayer = x.lensTopId().length;
        context.print("");
        context.print(
                "Logit lens: top token (probability) of each block's output read through ln_f and the"
                        + " unembedding; layer %d is the model's own prediction",
                nLayer - 1);
        List<String[]> rows = new ArrayList<>();
        String[] position = new String[pieces.length + 1];
        String[] token = new String[pieces.length + 1];
        String[] next = new String[pieces.length + 1];
        position[0] = "position";
        token[0] = "token";
        next[0] = "next";
        for (int t = 0; t < pieces.length; t++) {
            position[t + 1] = Integer.toString(t);
            token[t + 1] = InspectJob.printable(pieces[t]);
            next[t + 1] = t + 1 < pieces.length ? InspectJob.printable(pieces[t + 1]) : "";
        }
        rows.add(position);
        rows.add(token);
        for (int l = 0; l < nLayer; l++) {
            String[] row = new String[pieces.length + 1];
            row[0] = "layer " + l;
            String[] tops = tokenizer.pieces(x.lensTopId()[l]);
            for (int t = 0; t < pieces.length; t++) {
                row[t + 1] = String.format("%s %.2f", InspectJob.printable(tops[t]), x.lensTopProb()[l][t]);
            }
            rows.add(row);
        }
        rows.add(next);
        printColumns(context, rows, 2, c -> c == 0);
    }

    static void addJson(JsonObject json, TextTokenizer tokenizer, SampleResult result, InspectJob.Explained explained) {
        Explanation x = result.explanation();
        json.add("rollout", rows(explained.rollout()));
        json.add("grad_rollout", rows(x.gradRollout()));
        json.add("grad_x_input_by_prediction", rows(explained.predictionGradXInput()));
        json.add("value_weighted", heads(explained.valueWeighted()));
        json.add("output_norm", rows(result.outputNorm()));
        JsonObject lens = new JsonObject();
        JsonArray topId = new JsonArray();
        JsonArray topToken = new JsonArray();
        JsonArray targetProb = new JsonArray();
        JsonArray targetRank = new JsonArray();
        for (int l = 0; l < x.lensTopId().length; l++) {
            JsonArray ids = new JsonArray();
            for (int id : x.lensTopId()[l]) {
                ids.add(id);
            }
            topId.add(ids);
            topToken.add(io.headwise.report.JsonArrays.strings(tokenizer.pieces(x.lensTopId()[l])));
            JsonArray probs = InspectJob.floats(x.lensTargetProb()[l]);
            probs.add(JsonNull.INSTANCE);
            targetProb.add(probs);
            JsonArray ranks = new JsonArray();
            for (int rank : x.lensTargetRank()[l]) {
                ranks.add(rank);
            }
            ranks.add(JsonNull.INSTANCE);
            targetRank.add(ranks);
        }
        lens.add("top_id", topId);
        lens.add("top_token", topToken);
        lens.add("top_prob", rows(x.lensTopProb()));
        lens.add("target_prob", targetProb);
        lens.add("target_rank", targetRank);
        json.add("logit_lens", lens);
    }

    /** The {@code k} indices of {@code 0..n-1} with the largest {@code score}, best first, ties by index. */
    static int[] top(int n, int k, IntToDoubleFunction score) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -score.applyAsDouble(i))
                .thenComparingInt(i -> i));
        return order.stream().limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static String keys(String[] pieces, int[] keys, IntToDoubleFunction value, String format) {
        StringBuilder text = new StringBuilder();
        for (int k : keys) {
            text.append(text.length() == 0 ? "" : "  ")
                    .append(InspectJob.printable(pieces[k]))
                    .append('@')
                    .append(k)
                    .append(' ')
                    .append(String.format(format, value.applyAsDouble(k)));
        }
        return text.toString();
    }

    /** Prints rows as columns {@code gap} blanks apart, those {@code left} selects left-aligned. */
    private static void printColumns(JobContext context, List<String[]> rows, int gap, IntPredicate left) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = pad(row[c], width[c], !left.test(c));
                line.append(c == 0 ? "" : " ".repeat(gap)).append(cell);
            }
            context.print("%s", line.toString().stripTrailing());
        }
    }

    private static String pad(String text, int width, boolean right) {
        String blanks = " ".repeat(Math.max(0, width - text.length()));
        return right ? blanks + text : text + blanks;
    }

    /** {@code [n][*]} as nested JSON arrays. */
    static JsonArray rows(float[][] matrix) {
        JsonArray rows = new JsonArray();
        for (float[] row : matrix) {
            rows.add(InspectJob.floats(row));
        }
        return rows;
    }

    /** {@code [L][H][T][q+1]} as nested JSON arrays, as {@code patterns}. */
    static JsonArray heads(float[][][][] perHead) {
        JsonArray layers = new JsonArray();
        for (float[][][] layer : perHead) {
            JsonArray heads = new JsonArray();
            for (float[][] head : layer) {
                heads.add(rows(head));
            }
            layers.add(heads);
        }
        return layers;
    }
}
