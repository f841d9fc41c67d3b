package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeadClusteringTest {

    /** |x_i − x_j| for points on a line. */
    private static double[][] lineDistances(double... x) {
        double[][] d = new double[x.length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                d[i][j] = Math.abs(x[i] - x[j]);
            }
        }
        return d;
    }

    @Test
    void twoObviousGroupsNumberedBySmallestMember() {
        // heads 0, 2, 4 sit near 5; heads 1, 3, 5 near 0
        double[][] d = lineDistances(5, 0, 5.1, 0.1, 5.2, 0.2);

        assertThat(HeadClustering.cluster(d, 2)).containsExactly(0, 1, 0, 1, 0, 1);
    }

    @Test
    void averageLinkageNotSingleLinkage() {
        // after {0,1} merges (d = 1), head 2 is 1.2 from head 0 but 3.0 from head 1: mean 2.1 > 2.0,
        // so average linkage pairs 2 with 3 (single linkage would join 2 to {0,1})
        double[][] d = {
            {0, 1.0, 1.2, 5},
            {1.0, 0, 3.0, 5},
            {1.2, 3.0, 0, 2.0},
            {5, 5, 2.0, 0},
        };

        assertThat(HeadClustering.cluster(d, 2)).containsExactly(0, 0, 1, 1);
        assertThat(HeadClustering.cluster(d, 3)).containsExactly(0, 0, 1, 2);
    }

    @Test
    void tiesGoToTheSmallestIndexPair() {
        double[][] d = lineDistances(0, 0, 0, 0); // every distance is 0
        // merges (0,1), then ({0,1},2); head 3 stays alone
        assertThat(HeadClustering.cluster(d, 2)).containsExactly(0, 0, 0, 1);
        assertThat(HeadClustering.cluster(d, 3)).containsExactly(0, 0, 1, 2);
    }

    @Test
    void deterministicAndLeavesInputAlone() {
        double[][] d = lineDistances(3, 9, 1, 4, 1, 5, 9, 2, 6);
        double[][] copy = lineDistances(3, 9, 1, 4, 1, 5, 9, 2, 6);

        int[] first = HeadClustering.cluster(d, 3);

        assertThat(HeadClustering.cluster(d, 3)).containsExactly(first);
        // {3, 4, 5, 6} holds head 0 -> id 0; {9, 9} holds head 1 -> id 1; {1, 1, 2} -> id 2
        assertThat(first).containsExactly(0, 1, 2, 0, 2, 0, 1, 2, 0);
        assertThat(d).isDeepEqualTo(copy);
    }

    @Test
    void oneClusterAndOneClusterPerHead() {
        double[][] d = lineDistances(4, 1, 7, 2);

        assertThat(HeadClustering.cluster(d, 1)).containsExactly(0, 0, 0, 0);
        assertThat(HeadClustering.cluster(d, 4)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void defaultClusterCountIsRoundedSquareRoot() {
        assertThat(HeadClustering.defaultClusterCount(144)).isEqualTo(12);
        assertThat(HeadClustering.defaultClusterCount(4)).isEqualTo(2);
        assertThat(HeadClustering.defaultClusterCount(3)).isEqualTo(2);
        assertThat(HeadClustering.defaultClusterCount(2)).isEqualTo(1);
        assertThat(HeadClustering.defaultClusterCount(1)).isEqualTo(1);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> HeadClustering.cluster(lineDistances(0, 1), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cluster count k must be in 1..2 (the number of heads), got 3");
        assertThatThrownBy(() -> HeadClustering.cluster(new double[][] {{0, 1}, {2, 0}}, 1))
                .hasMessage("distance matrix is not symmetric: d[0][1] = 1.0 but d[1][0] = 2.0");
        assertThatThrownBy(() -> HeadClustering.cluster(new double[][] {{0, -1}, {-1, 0}}, 1))
                .hasMessage("distance between 0 and 1 is -1.0 / -1.0; expected a finite value >= 0");
        assertThatThrownBy(() -> HeadClustering.cluster(new double[][] {{0, 1}, {1}}, 1))
                .hasMessage("distance matrix must be 2 x 2, but row 1 has length 1");
    }
}
