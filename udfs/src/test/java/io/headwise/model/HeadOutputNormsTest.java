package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Gpt#headOutputNorms} against {@code ‖x·W_O^h‖} summed in double, within 1e-6 relative, where
 * float32 arithmetic cancels: {@code W_O^h} of rank 2 (plus noise) and vectors {@code x} almost
 * orthogonal to its column space. Both float32 forms fail it (checked by hand: the product {@code
 * x·W_O^h} is off by 5.6e-6 relative, the Gram form {@code x·G·xᵀ} by more).
 */
class HeadOutputNormsTest {

    private static final int C = 48;
    private static final int H = 2;
    private static final int D = C / H;
    private static final int T = 50;

    @Test
    void normsOfNearNullVectorsOfALowRankHeadMatchDoublePrecision() {
        Random random = new Random(7);
        GptConfig config = GptConfig.of(23, 20, C, 1, H);
        double[][] w = new double[C][C]; // attn.c_proj.weight: rows h·D … (h+1)·D − 1 are W_O^h
        double[][][] colSpace = new double[H][][];
        for (int h = 0; h < H; h++) {
            double[][] a = gaussian(random, D, 2, 1);
            double[][] b = gaussian(random, 2, C, 1);
            for (int d = 0; d < D; d++) {
                for (int c = 0; c < C; c++) {
                    w[h * D + d][c] = a[d][0] * b[0][c] + a[d][1] * b[1][c] + 1e-4 * random.nextGaussian();
                }
            }
            colSpace[h] = orthonormalColumns(a);
        }
        float[] x = new float[H * T * D]; // [1, H, T, D]
        for (int h = 0; h < H; h++) {
            for (int t = 0; t < T; t++) {
                double[] v = gaussian(random, 1, D, 10)[0];
                for (double[] u : colSpace[h]) { // remove the column space, then put 1e-3 of it back
                    double dot = 0;
                    for (int d = 0; d < D; d++) {
                        dot += v[d] * u[d];
                    }
                    for (int d = 0; d < D; d++) {
                        v[d] -= (1 - 1e-3) * dot * u[d];
                    }
                }
                for (int d = 0; d < D; d++) {
                    x[(h * T + t) * D + d] = (float) v[d];
                }
            }
        }
        float[] wData = new float[C * C];
        for (int r = 0; r < C; r++) {
            for (int c = 0; c < C; c++) {
                wData[r * C + c] = (float) w[r][c];
            }
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors =
                    new LinkedHashMap<>(GptWeights.random(config, manager, 1).asMap());
            tensors.put("h.0.attn.c_proj.weight", manager.create(wData, new Shape(C, C)));
            Gpt gpt = new Gpt(GptWeights.of(config, tensors, "low-rank W_O"));
            float[] norms = gpt.headOutputNorms(0, manager.create(x, new Shape(1, H, T, D)))
                    .toFloatArray();
            assertThat(norms).hasSize(H * T);
            double smallest = Double.MAX_VALUE;
            for (int h = 0; h < H; h++) {
                for (int t = 0; t < T; t++) {
                    double sumSquares = 0;
                    double scale = 0; // ‖x‖·‖W_O^h‖_F, what the cancellation is relative to
                    double xNorm = 0;
                    for (int d = 0; d < D; d++) {
                        xNorm += (double) x[(h * T + t) * D + d] * x[(h * T + t) * D + d];
                    }
                    for (int c = 0; c < C; c++) {
                        double y = 0;
                        for (int d = 0; d < D; d++) {
                            y += (double) x[(h * T + t) * D + d] * wData[(h * D + d) * C + c];
                            scale += (double) wData[(h * D + d) * C + c] * wData[(h * D + d) * C + c];
                        }
                        sumSquares += y * y;
                    }
                    double expected = Math.sqrt(sumSquares);
                    smallest = Math.min(smallest, expected / Math.sqrt(xNorm * scale / C));
                    assertThat((double) norms[h * T + t])
                            .as("head %d, position %d", h, t)
                            .isCloseTo(expected, within(1e-6 * expected));
                }
            }
            assertThat(smallest)
                    .as("the vectors are near the heads' null spaces")
                    .isLessThan(0.05);
        }
    }

    private static double[][] gaussian(Random random, int rows, int cols, double sd) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = sd * random.nextGaussian();
            }
        }
        return m;
    }

    /** Gram–Schmidt on the columns of {@code a} ({@code [D][k]}): {@code k} orthonormal D-vectors. */
    private static double[][] orthonormalColumns(double[][] a) {
        int k = a[0].length;
        double[][] u = new double[k][a.length];
        for (int j = 0; j < k; j++) {
            for (int d = 0; d < a.length; d++) {
                u[j][d] = a[d][j];
            }
            for (int i = 0; i < j; i++) {
                double dot = 0;
                for (int d = 0; d < a.length; d++) {
                    dot += u[j][d] * u[i][d];
                }
                for (int d = 0; d < a.length; d++) {
                    u[j][d] -= dot * u[i][d];
                }
            }
            double norm = 0;
            for (double v : u[j]) {
                norm += v * v;
            }
            for (int d = 0; d < a.length; d++) {
                u[j][d] /= Math.sqrt(norm);
            }
        }
        return u;
    }
}
