package org.jcontrast.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The hard-negative selections: top-K with ties to the lower column, and the top K with all ties kept. */
class SelectionTest {
    private static final Tensor VALUES = Tensor.fromRows(new float[][] {
            {0.5f, 0.9f, 0.5f, -0.2f, 0.5f, 0.9f},
            {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}});
    // Row 1's largest value (column 5) is not a candidate.
    private static final Tensor CANDIDATES = Tensor.fromRows(new float[][] {
            {1, 1, 1, 1, 1, 1},
            {1, 1, 1, 1, 1, 0}});

    @Test
    void topKBreaksTiesByTheLowerColumn() {
        Tensor mask = Selection.topK(VALUES, CANDIDATES, 3);
        assertArrayEquals(new float[] {1, 1, 0, 0, 0, 1}, mask.row(0).toArray());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 0}, mask.row(1).toArray());
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1}, Selection.topK(VALUES, CANDIDATES, 2).row(0).toArray());
    }

    @Test
    void topKWithTiesKeepsEveryValueEqualToTheKth() {
        Tensor mask = Selection.topKWithTies(VALUES, CANDIDATES, 3);
        assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1}, mask.row(0).toArray());
        assertArrayEquals(new float[] {0, 0, 1, 1, 1, 0}, mask.row(1).toArray());
    }

    @Test
    void kBeyondTheCandidatesKeepsThemAll() {
        assertArrayEquals(CANDIDATES.toArray(), Selection.topK(VALUES, CANDIDATES, 50).toArray());
        assertArrayEquals(CANDIDATES.toArray(), Selection.topKWithTies(VALUES, CANDIDATES, 50).toArray());
    }
}
