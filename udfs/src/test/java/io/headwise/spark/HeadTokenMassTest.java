package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadTokenMassTest {

    record Cell(int layer, int head, int tokenId, String token, double mass) {}

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void sumsTheAttentionEachKeyTokenReceivesFromQueriesOneOnward(boolean dense) {
        // One layer, two heads, ids [0, 1, 0]. Query 0 is not counted (as in head_stats).
        float[][] head0 = {{1f}, {0.25f, 0.75f}, {0.5f, 0.25f, 0.25f}};
        float[][] head1 = {{1f}, {1f, 0f}, {0f, 0f, 1f}};
        float[][][][] patterns = {{head0, head1}};
        HeadTokenMass mass = new HeadTokenMass(1, 2, 3, dense);
        List<Cell> cells = new ArrayList<>();
        mass.add(
                patterns,
                new int[] {0, 1, 0},
                ExtractTablesTest.utf8(List.of(".", "a", ".")),
                (l, h, t, s, m) -> cells.add(new Cell(l, h, t, s.toString(), m)));
        assertThat(cells).isEmpty();
        // A second sample doubles head 0's masses for token 1 and adds token 2.
        mass.add(
                new float[][][][] {{{{1f}, {0.5f, 0.5f}}, {{1f}, {0f, 1f}}}},
                new int[] {1, 2},
                ExtractTablesTest.utf8(List.of("a", "b")),
                null);
        mass.drain((l, h, t, s, m) -> cells.add(new Cell(l, h, t, s.toString(), m)));
        cells.sort(java.util.Comparator.comparingInt(Cell::head).thenComparingInt(Cell::tokenId));
        // head 0: token 0 ← k0 (0.25 + 0.5) + k2 (0.25) = 1.0; token 1 ← k1 (0.75 + 0.25) + 0.5 = 1.5; token 2 ← 0.5
        // head 1: token 0 ← k0 (1 + 0) + k2 (1) = 2.0; token 1 ← k1 0 + 0 = 0 (not emitted); token 2 ← 1
        assertThat(cells).hasSize(5);
        assertCell(cells.get(0), 0, 0, ".", 1.0);
        assertCell(cells.get(1), 0, 1, "a", 1.5);
        assertCell(cells.get(2), 0, 2, "b", 0.5);
        assertCell(cells.get(3), 1, 0, ".", 2.0);
        assertCell(cells.get(4), 1, 2, "b", 1.0);
        List<Cell> again = new ArrayList<>();
        mass.drain((l, h, t, s, m) -> again.add(new Cell(l, h, t, s.toString(), m)));
        assertThat(again).as("drained").isEmpty();
    }

    private static void assertCell(Cell cell, int head, int tokenId, String token, double mass) {
        assertThat(cell.layer()).isZero();
        assertThat(cell.head()).isEqualTo(head);
        assertThat(cell.tokenId()).isEqualTo(tokenId);
        assertThat(cell.token()).isEqualTo(token);
        assertThat(cell.mass()).isCloseTo(mass, within(1e-7));
    }
}
