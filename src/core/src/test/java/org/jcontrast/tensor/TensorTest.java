package org.jcontrast.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void viewsShareStorageAndVersion() {
        Tensor t = Tensor.zeros(3, 4);
        Tensor row = t.row(1);
        Tensor block = t.rows(1, 3);
        int v = t.version();
        row.set(2, 5f);
        assertEquals(5f, t.get(1, 2));
        assertEquals(5f, block.get(0, 2));
        assertNotEquals(v, t.version(), "a write through a view bumps the shared version");
        assertEquals(t.version(), block.version());
        Tensor flat = t.reshape(12);
        assertEquals(5f, flat.get(6));
    }

    @Test
    void copiesAreIndependent() {
        Tensor t = Tensor.fromRows(new float[][] {{1, 2}, {3, 4}});
        Tensor c = t.copy();
        c.set(0, 0, 9f);
        assertEquals(1f, t.get(0, 0));
        assertEquals("[2, 2]", t.shapeString());
    }

    @Test
    void badShapesAndIndicesAreRejectedWithTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).reshape(4, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 3).get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).row(0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromRows(new float[][] {{1}, {1, 2}}));
    }

    @Test
    void scalarsAndItem() {
        assertEquals(0, Tensor.scalar(3f).rank());
        assertEquals(3f, Tensor.scalar(3f).item());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).item());
    }
}
