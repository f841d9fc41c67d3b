package io.headwise.spark;

import ai.djl.Device;
import io.headwise.BadInputException;
import io.headwise.model.Analyzer;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of the extraction as a DataFrame transformation: rows of {@code (sample_id,
 * token_ids, tokens)} in, one per-sample table's rows ({@link ExtractTables}) out, streamed: the
 * model runs batch by batch as Spark pulls rows, one batch ahead, so a partition holds one window
 * of input and two batches of results, never the whole partition's output.
 *
 * <p>When the input has no {@code tokens} column ({@code tokenizerJson} is given instead), each
 * sample's token strings are decoded from its ids with the model's tokenizer. A sample the model
 * cannot take (empty, longer than {@code n_positions}, an id outside the vocabulary) fails the task
 * with one line naming its {@code sample_id}: a transformation has no {@code rejects} table to put
 * it in, and dropping it silently would make a short result look complete.
 */
public final class ExtractRows implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {

    private static final long serialVersionUID = 1L;

    private final ShippedModel model;
    private final ExtractSettings settings;
    private final String table;
    private final String tokenizerJson;

    /**
     * @param table one of {@link ExtractTables#ALL}'s names
     * @param tokenizerJson the model's {@code tokenizer.json} when the input has no {@code tokens}
     *     column, else null
     */
    public ExtractRows(ShippedModel model, ExtractSettings settings, String table, String tokenizerJson) {
        this.model = model;
        this.settings = settings;
        this.table = table;
        this.tokenizerJson = tokenizerJson;
        declaration(table);
    }

    /** The declaration of a per-sample table of {@code extract}. */
    public static SampleTable<ExtractedSample> declaration(String table) {
        for (SampleTable<ExtractedSample> declared : ExtractTables.ALL) {
            if (declared.name().equals(table)) {
                return declared;
            }
        }
        throw new BadInputException(
                "table '%s' is not a per-sample table of extract (%s)",
                table,
                String.join(
                        ", ", ExtractTables.ALL.stream().map(SampleTable::name).toList()));
    }

    /** The schema of the rows {@link #call} returns. */
    public StructType schema() {
        return declaration(table).schema();
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> input) {
        Device device = DeviceChoice.forTask(settings.device());
        TaskContext task = TaskContext.get();
        ModelThread modelThread = ModelThread.acquire();
        int threads = ModelThread.taskCores();
        ModelCache.Loaded loaded = modelThread.leaseModel(model, device, threads);
        Analyzer analyzer = new Analyzer(loaded.gpt(), loaded.manager(), settings.mlpTopK(), settings.gradients());
        ArrayDeque<InternalRow> ready = new ArrayDeque<>();
        TableSink sink = (name, schema, row) -> {
            if (name.equals(table)) {
                ready.add(row.copy());
            } else if (name.equals(ExtractTables.REJECT_ROWS)) {
                throw new BadInputException("sample_id %d: %s", row.getLong(1), row.getUTF8String(2));
            }
            // The partition's partial sums (head_token_mass, head distances) belong to the job.
        };
        ExtractTask extract =
                new ExtractTask(analyzer, settings, n -> {}, modelThread, threads, sink, List.of(declaration(table)));
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> modelThread.close());
        }
        Iterator<InternalRow> samples = tokenizerJson == null ? input : withTokens(input, tokenizerJson);
        return new Iterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !done) {
                    if (!extract.step(samples)) {
                        extract.finish();
                        done = true;
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /**
     * {@code (sample_id, token_ids)} rows as {@code (sample_id, token_ids, tokens, source, doc_id)}:
     * the token strings decoded with the tokenizer, {@code doc_id} the sample id (what a rejected
     * sample is named by).
     */
    private static Iterator<InternalRow> withTokens(Iterator<InternalRow> input, String tokenizerJson) {
        TextTokenizer tokenizer = Tokenizers.fromJson(tokenizerJson, "the model's tokenizer.json");
        UTF8String source = UTF8String.fromString("input");
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                boolean more = input.hasNext();
                if (!more) {
                    tokenizer.close();
                }
                return more;
            }

            @Override
            public InternalRow next() {
                InternalRow row = input.next();
                int[] ids = row.getArray(1).toIntArray();
                String[] pieces = tokenizer.pieces(validIds(ids, tokenizer.vocabSize()));
                UTF8String[] utf8 = new UTF8String[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    utf8[i] = UTF8String.fromString(pieces[i]);
                }
                long id = row.getLong(0);
                return new GenericInternalRow(
                        new Object[] {id, row.getArray(1).copy(), new GenericArrayData(utf8), source, id});
            }
        };
    }

    /** Ids outside the vocabulary decoded as id 0, so the model's own check names them. */
    private static int[] validIds(int[] ids, int vocabSize) {
        int[] valid = ids.clone();
        for (int i = 0; i < valid.length; i++) {
            if (valid[i] < 0 || valid[i] >= vocabSize) {
                valid[i] = 0;
            }
        }
        return valid;
    }
}
