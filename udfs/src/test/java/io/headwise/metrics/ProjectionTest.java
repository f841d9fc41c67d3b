package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProjectionTest {

    private static double[][] euclidean(double[][] points) {
        double[][] d = new double[points.length][points.length];
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < points.length; j++) {
                double s = 0;
                for (int a = 0; a < points[i].length; a++) {
                    s += (points[i][a] - points[j][a]) * (points[i][a] - points[j][a]);
                }
                d[i][j] = Math.sqrt(s);
            }
        }
        return d;
    }

    @Test
    void mdsOfPointsOnALineGivesTheCentredLine() {
        double[][] d = euclidean(new double[][] {{0}, {1}, {3}, {7}});

        double[][] xy = Projection.mds(d);

        // centred positions −2.75, −1.75, 0.25, 4.25; the sign rule makes the largest one positive
        assertThat(xy[0][0]).isCloseTo(-2.75, within(1e-8));
        assertThat(xy[1][0]).isCloseTo(-1.75, within(1e-8));
        assertThat(xy[2][0]).isCloseTo(0.25, within(1e-8));
        assertThat(xy[3][0]).isCloseTo(4.25, within(1e-8));
        for (double[] point : xy) {
            assertThat(point[1]).isCloseTo(0.0, within(1e-6));
        }
    }

    @Test
    void mdsPreservesDistancesOfPlanarPoints() {
        double[][] points = {{0, 0}, {3, 0}, {0, 4}, {3, 4}, {1, 2}, {-2, 1}};
        double[][] d = euclidean(points);

        double[][] xy = Projection.mds(d);

        assertClose(euclidean(xy), d, 1e-8);
    }

    @Test
    void mdsOfPlanarPointsEmbeddedIn3dPreservesDistances() {
        // a tilted plane in 3-D: x·(1, 0, 1)/√2 + y·(0, 1, 0)
        double[][] points = new double[7][];
        Random random = new Random(1);
        for (int i = 0; i < points.length; i++) {
            double x = random.nextGaussian() * 3;
            double y = random.nextGaussian();
            points[i] = new double[] {x / Math.sqrt(2), y, x / Math.sqrt(2)};
        }
        double[][] d = euclidean(points);

        double[][] xy = Projection.mds(d);

        assertClose(euclidean(xy), d, 1e-8);
        assertThat(Projection.mds(d)).isDeepEqualTo(xy); // deterministic
    }

    @Test
    void mdsOfTinyInputs() {
        assertThat(Projection.mds(new double[0][])).isEmpty();
        assertThat(Projection.mds(new double[][] {{0}})).isDeepEqualTo(new double[][] {{0, 0}});
        double[][] two = Projection.mds(new double[][] {{0, 2}, {2, 0}});
        assertThat(Math.abs(two[0][0] - two[1][0])).isCloseTo(2.0, within(1e-9));
        assertThat(two[0][1]).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void pcaFindsTheStretchedAxisFirst() {
        double[] axis = {1 / 3.0, 2 / 3.0, 2 / 3.0};
        double[] across = {2 / Math.sqrt(5), -1 / Math.sqrt(5), 0}; // orthogonal to axis
        // a full grid of (along, side) so their sample covariance is exactly diagonal
        double[] alongs = {-20, -10, 10, 20};
        double[] sides = {-1, 1};
        float[][] rows = new float[alongs.length * sides.length][3];
        int i = 0;
        for (double along : alongs) {
            for (double side : sides) {
                for (int a = 0; a < 3; a++) {
                    rows[i][a] = (float) (5 + along * axis[a] + side * across[a]);
                }
                i++;
            }
        }

        Projection.Pca pca = Projection.pca(rows);

        assertThat(pca.axes()[0]).containsExactly(axis, within(1e-6));
        assertThat(pca.axes()[1]).containsExactly(across, within(1e-6));
        // Σ along² · 2 / (8 − 1) and Σ side² · 4 / 7
        assertThat(pca.variances()[0]).isCloseTo(2000 / 7.0, within(1e-4));
        assertThat(pca.variances()[1]).isCloseTo(8 / 7.0, within(1e-5));
        assertThat(pca.coordinates()[0][0]).isCloseTo(-20, within(1e-5));
        assertThat(pca.coordinates()[0][1]).isCloseTo(-1, within(1e-5));
    }

    @Test
    void pcaToThreeComponentsFindsAllThreeStretchedAxesInOrder() {
        // Rows m ± 3·u1, m ± 2·u2, m ± 1·u3 for an orthonormal basis: the sample covariance is
        // Σ 2·s²·u·uᵀ / (6 − 1), so the axes are u1, u2, u3 with variances 18/5, 8/5, 2/5.
        double[][] basis = {{0.6, 0.8, 0}, {0.8, -0.6, 0}, {0, 0, 1}};
        double[] scales = {3, 2, 1};
        double[] mean = {1, 2, 3};
        float[][] rows = new float[6][3];
        for (int j = 0; j < 3; j++) {
            for (int sign = 0; sign < 2; sign++) {
                for (int a = 0; a < 3; a++) {
                    rows[2 * j + sign][a] = (float) (mean[a] + (sign == 0 ? 1 : -1) * scales[j] * basis[j][a]);
                }
            }
        }

        Projection.Pca pca = Projection.pca(rows, 3);

        for (int j = 0; j < 3; j++) {
            assertThat(pca.axes()[j]).as("axis %d", j).containsExactly(basis[j], within(1e-6));
        }
        assertThat(pca.variances()).containsExactly(new double[] {18 / 5.0, 8 / 5.0, 2 / 5.0}, within(1e-6));
        // Row 2j + 0 sits at +scale on axis j and 0 on the others.
        for (int j = 0; j < 3; j++) {
            double[] expected = new double[3];
            expected[j] = scales[j];
            assertThat(pca.coordinates()[2 * j]).containsExactly(expected, within(1e-5));
            expected[j] = -scales[j];
            assertThat(pca.coordinates()[2 * j + 1]).containsExactly(expected, within(1e-5));
        }
        assertThatThrownBy(() -> Projection.pca(rows, 4)).hasMessageContaining("4 components of 3 columns");
    }

    @Test
    void pcaOfPlanarRowsPreservesDistances() {
        float[][] rows = {{1, 2, 3, 4}, {2, 2, 3, 4}, {1, 5, 3, 4}, {4, 0, 3, 4}, {0, 1, 3, 4}};
        double[][] original = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            original[i] = new double[] {rows[i][0], rows[i][1], rows[i][2], rows[i][3]};
        }

        Projection.Pca pca = Projection.pca(rows);

        double[][] d = euclidean(original);
        assertClose(euclidean(pca.coordinates()), d, 1e-5);
        assertThat(rows[1]).containsExactly(2, 2, 3, 4); // input untouched
    }

    @Test
    void eigenpairsOfAnIndefiniteMatrixAreTheLargestAlgebraic() {
        // −10 has the largest magnitude but the top two eigenvalues are 5 and 2
        double[][] m = {{2, 0, 0}, {0, -10, 0}, {0, 0, 5}};

        TopEigenpairs.Pair[] top = TopEigenpairs.of(m, 2);

        assertThat(top[0].value()).isCloseTo(5.0, within(1e-9));
        assertThat(top[0].vector()).containsExactly(new double[] {0, 0, 1}, within(1e-9));
        assertThat(top[1].value()).isCloseTo(2.0, within(1e-9));
        assertThat(top[1].vector()).containsExactly(new double[] {1, 0, 0}, within(1e-9));
    }

    @Test
    void rejectsRaggedOrNonFiniteRows() {
        assertThatThrownBy(() -> Projection.pca(new float[][] {{1, 2}, {1, 2, 3}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PCA row 1 has length 3, expected 2 like row 0");
        assertThatThrownBy(() -> Projection.pca(new float[][] {{1, 2}, {Float.NaN, 2}}))
                .hasMessage("PCA row 1 column 0 is NaN");
        assertThatThrownBy(() -> Projection.pca(new float[][] {{1, 2}})).hasMessage("PCA needs at least 2 rows, got 1");
    }

    private static void assertClose(double[][] actual, double[][] expected, double tolerance) {
        assertThat(actual).hasDimensions(expected.length, expected.length);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(actual[i][j]).as("[%d][%d]", i, j).isCloseTo(expected[i][j], within(tolerance));
            }
        }
    }
}
