package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import org.jcontrast.simclr.data.Dataset;
import org.junit.jupiter.api.Test;

class DataSourcesTest {

    @Test
    void theEmbeddedDefaultIsTheFashionMnistTestSplit() throws IOException {
        Dataset d = DataSources.open(null);
        assertEquals("fashion-mnist/t10k", d.name());
        assertEquals(10_000, d.size());
        assertEquals(28, d.height());
        assertEquals(28, d.width());
        for (int count : d.classCounts()) {
            assertEquals(1_000, count);
        }
        // The first labels of t10k-labels-idx1-ubyte, read off the original file with zcat | od.
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(d.labels(), 5));
        assertEquals("Ankle boot", d.classNames().get(9));
        float max = 0;
        for (float v : d.images().toArray()) {
            max = Math.max(max, v);
        }
        assertTrue(max == 1f, "pixels reach 255 → 1");
    }
}
