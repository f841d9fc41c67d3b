package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.model.Checkpoint;
import io.headwise.spark.ExtractRows;
import io.headwise.spark.ExtractSettings;
import io.headwise.spark.PatternSelection;
import io.headwise.spark.SparkRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * {@code extract}'s model pass as a DataFrame transformation, for spark-shell, notebooks and Spark
 * pipelines: any DataFrame with a column of token ids in, one per-sample table of {@code extract}
 * out ({@code head_stats}, {@code token_stats}, {@code activations} or {@code attention}, with
 * exactly that table's schema and numbers), computed batch by batch in each partition with the
 * model loaded once per executor. Configured with setters, then {@link #transform}:
 *
 * <pre>{@code
 * Dataset<Row> headStats = new ExtractTransform()
 *         .setModel("runs/demo/model")
 *         .setTable("head_stats")
 *         .transform(spark.read().parquet("runs/demo/tokens").limit(1000));
 * }</pre>
 *
 * The result is lazy, as any transformation: the model runs when an action (a write, a count, a
 * collect) needs the rows, once per action — cache the result to reuse it. Unlike the job it writes
 * nothing, keeps no {@code rejects} (a sample the model cannot take fails the action with one line
 * naming its {@code sample_id}) and computes no corpus tables ({@code head_token_mass}, {@code
 * head_distances}).
 */
public final class ExtractTransform {

    private String model;
    private String table = "head_stats";
    private String idCol = "sample_id";
    private String inputCol = "token_ids";
    private String tokensCol = "tokens";
    private int batchSize = ExtractJob.BATCH_SIZE_DEFAULT;
    private int mlpTopK = 8;
    private boolean gradients = true;
    private String patterns = "all";
    private String device = "auto";

    /** The model directory (a local path or any Hadoop URI, as {@code extract --model}). Required. */
    public ExtractTransform setModel(String modelDir) {
        this.model = modelDir;
        return this;
    }

    /** Which table's rows to produce: {@code head_stats} (default), {@code token_stats}, {@code activations}, {@code attention}. */
    public ExtractTransform setTable(String table) {
        this.table = table;
        return this;
    }

    /** The column of sample ids ({@code bigint}); default {@code sample_id}. Without it, each row gets {@code monotonically_increasing_id()}. */
    public ExtractTransform setIdCol(String column) {
        this.idCol = column;
        return this;
    }

    /** The column of token ids ({@code array<int>}, or another integral element type); default {@code token_ids}. */
    public ExtractTransform setInputCol(String column) {
        this.inputCol = column;
        return this;
    }

    /** The column of token strings ({@code array<string>}); default {@code tokens}. Without it, they are decoded from the ids with the model's tokenizer. */
    public ExtractTransform setTokensCol(String column) {
        this.tokensCol = column;
        return this;
    }

    /** Samples per model pass; default {@value ExtractJob#BATCH_SIZE_DEFAULT}, as {@code extract --batch-size}. */
    public ExtractTransform setBatchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    /** MLP neurons kept per position in {@code activations}; default 8, as {@code extract --mlp-top-k}. */
    public ExtractTransform setMlpTopK(int k) {
        this.mlpTopK = k;
        return this;
    }

    /** Whether to run the backward pass (gradient columns); default true, as {@code extract} without {@code --no-gradients}. */
    public ExtractTransform setGradients(boolean gradients) {
        this.gradients = gradients;
        return this;
    }

    /** Which samples get {@code attention} rows, as {@code extract --patterns}; default {@code all}. */
    public ExtractTransform setPatterns(String selection) {
        this.patterns = selection;
        return this;
    }

    /** {@code auto}, {@code cpu} or {@code gpu}, as {@code extract --device}; default {@code auto}. */
    public ExtractTransform setDevice(String device) {
        this.device = device;
        return this;
    }

    /**
     * The table's rows for every sample of {@code input}.
     *
     * @throws BadInputException (before any task runs) for a missing model or column, a column of
     *     the wrong type, an unknown table or a bad setting
     */
    public Dataset<Row> transform(Dataset<?> input) {
        if (model == null) {
            throw new BadInputException("ExtractTransform: no model; call setModel(DIR)");
        }
        if (batchSize < 1) {
            throw new BadInputException("ExtractTransform: batch size must be at least 1, got %d", batchSize);
        }
        if (mlpTopK < 0) {
            throw new BadInputException("ExtractTransform: MLP top-k must not be negative, got %d", mlpTopK);
        }
        if (!List.of("auto", "cpu", "gpu").contains(device)) {
            throw new BadInputException("ExtractTransform: device must be auto, cpu or gpu, got '%s'", device);
        }
        ExtractRows.declaration(table);
        SparkSession spark = input.sparkSession();
        List<String> columns = Arrays.asList(input.columns());
        Column ids = idsColumn(input, columns);
        Column id = columns.contains(idCol)
                ? input.col(idCol).cast(DataTypes.LongType)
                : functions.monotonically_increasing_id();
        boolean hasTokens = columns.contains(tokensCol);
        if (hasTokens) {
            checkStrings(input, tokensCol);
        }
        ModelStaging.Staged staged = ModelStaging.stage(spark, model);
        if (mlpTopK > staged.config().dMlp()) {
            throw new BadInputException(
                    "ExtractTransform: MLP top-k %d exceeds the model's MLP width %d",
                    mlpTopK, staged.config().dMlp());
        }
        ExtractSettings settings = new ExtractSettings(
                batchSize,
                batchSize * ExtractJob.WINDOW_BATCHES,
                mlpTopK,
                gradients,
                PatternSelection.parse(patterns),
                PatternSelection.none(),
                device);
        ExtractRows rows = new ExtractRows(
                ModelStaging.ship(spark, staged), settings, table, hasTokens ? null : tokenizerJson(staged));
        Dataset<Row> selected = hasTokens
                ? input.select(id, ids, input.col(tokensCol), functions.lit("input"), id)
                : input.select(id, ids);
        return SparkRows.dataFrame(
                spark, selected.queryExecution().toRdd().toJavaRDD().mapPartitions(rows), rows.schema());
    }

    private Column idsColumn(Dataset<?> input, List<String> columns) {
        if (!columns.contains(inputCol)) {
            throw new BadInputException(
                    "ExtractTransform: no column '%s' of token ids in the input (its columns: %s); see setInputCol",
                    inputCol, String.join(", ", columns));
        }
        DataType type = field(input, inputCol).dataType();
        if (!(type instanceof ArrayType array) || !(array.elementType() instanceof IntegralType)) {
            throw new BadInputException(
                    "ExtractTransform: column '%s' is %s, not an array of integer token ids",
                    inputCol, type.simpleString());
        }
        return input.col(inputCol).cast(DataTypes.createArrayType(DataTypes.IntegerType));
    }

    private static void checkStrings(Dataset<?> input, String column) {
        DataType type = field(input, column).dataType();
        if (!(type instanceof ArrayType array) || !(array.elementType() instanceof StringType)) {
            throw new BadInputException(
                    "ExtractTransform: column '%s' is %s, not array<string> of tokens; see setTokensCol",
                    column, type.simpleString());
        }
    }

    private static StructField field(Dataset<?> input, String column) {
        return input.schema().apply(column);
    }

    private static String tokenizerJson(ModelStaging.Staged staged) {
        try {
            return Files.readString(staged.localDir().resolve(Checkpoint.TOKENIZER_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
