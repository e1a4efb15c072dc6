package org.jcontrast.simclr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DatasetTest {

    /** {@code n} 1×2 images whose first pixel encodes the index, labels i mod classes. */
    static Dataset indexed(int n, int classes) {
        Tensor images = Tensor.zeros(n, 2);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            images.set(i, 0, i / (float) n);
            labels[i] = i % classes;
        }
        return new Dataset("indexed", images, labels, 1, 2, Dataset.numberedClasses(classes));
    }

    private static int indexOf(Dataset d, int row, int n) {
        return Math.round(d.images().get(row, 0) * n);
    }

    @Test
    void splitIsStratifiedDisjointCompleteAndSeeded() {
        int n = 1000;
        Dataset d = indexed(n, 4); // 250 per class
        Dataset.Split s = d.split(0.2, 7);
        assertEquals(800, s.train().size());
        assertEquals(200, s.eval().size());
        assertArrayEquals(new int[] {50, 50, 50, 50}, s.eval().classCounts());
        Set<Integer> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {s.train(), s.eval()}) {
            int previous = -1;
            for (int r = 0; r < part.size(); r++) {
                int i = indexOf(part, r, n);
                assertEquals(i % 4, part.label(r), "labels travel with their images");
                assertTrue(i > previous, "each part keeps the original order");
                previous = i;
                assertTrue(seen.add(i), "sample " + i + " is in both parts");
            }
        }
        assertEquals(n, seen.size());
        Dataset.Split again = d.split(0.2, 7);
        assertArrayEquals(s.eval().images().toArray(), again.eval().images().toArray());
        Dataset.Split other = d.split(0.2, 8);
        assertFalse(Arrays.equals(s.eval().images().toArray(), other.eval().images().toArray()));
    }

    @Test
    void rejectsBadPixelsLabelsAndShapes() {
        Tensor nan = Tensor.zeros(2, 4);
        nan.set(1, 3, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("bad", nan, new int[] {0, 1}, 2, 2, Dataset.numberedClasses(2)));
        assertTrue(e.getMessage().contains("bad") && e.getMessage().contains("sample 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", Tensor.full(2f, 1, 4), new int[] {0}, 2, 2, Dataset.numberedClasses(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", Tensor.zeros(2, 4), new int[] {0, 2}, 2, 2, Dataset.numberedClasses(2)));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", Tensor.zeros(2, 4), new int[] {0}, 2, 2, Dataset.numberedClasses(2)));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset("x", Tensor.zeros(2, 4), new int[] {0, 0}, 2, 3, Dataset.numberedClasses(2)));
    }

    @Test
    void gatherAndSubsetCopyTheRequestedRows() {
        Dataset d = indexed(10, 3);
        Tensor out = Tensor.zeros(3, 2);
        d.gather(new int[] {7, 2}, out);
        assertEquals(0.7f, out.get(0, 0));
        assertEquals(0.2f, out.get(1, 0));
        assertEquals(0f, out.get(2, 0), "rows past the indices are left alone");
        Dataset sub = d.subset(new int[] {9, 4}, "sub");
        assertArrayEquals(new int[] {0, 1}, sub.labels());
        assertEquals(2, d.head(2).size());
        assertThrows(IllegalArgumentException.class, () -> d.gather(new int[] {1, 2, 3, 4}, out));
    }

    @Test
    void batchOrderVisitsEverySampleOncePerEpochAndDependsOnlyOnSeedAndEpoch() {
        BatchOrder order = new BatchOrder(10, 3, false, 42);
        assertEquals(4, order.batchesPerEpoch());
        int[][] e0 = order.epoch(0);
        int[] all = Arrays.stream(e0).flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, all);
        assertEquals(1, e0[3].length);
        assertArrayEquals(e0[1], new BatchOrder(10, 3, false, 42).epoch(0)[1]);
        assertFalse(Arrays.deepEquals(e0, order.epoch(1)), "each epoch is shuffled anew");
        BatchOrder dropping = new BatchOrder(10, 3, true, 42);
        assertEquals(3, dropping.batchesPerEpoch());
        for (int[] b : dropping.epoch(5)) {
            assertEquals(3, b.length);
        }
        assertThrows(IllegalArgumentException.class, () -> new BatchOrder(10, 11, true, 1));
    }

    @Test
    void seedsDependOnEveryCoordinateAndItsPosition() {
        long base = Seeds.derive(1, 2, 3);
        assertEquals(base, Seeds.derive(1, 2, 3));
        assertTrue(base != Seeds.derive(1, 3, 2));
        assertTrue(base != Seeds.derive(2, 2, 3));
        assertTrue(base != Seeds.derive(1, 2, 4));
        assertTrue(base != Seeds.derive(1, 2));
    }
}
