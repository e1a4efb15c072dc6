package org.jcontrast.proptest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The harness itself: it must report failures with a seed and shrink sizes. */
class PropTest {

    @Test
    void aFailingPropertyReportsItsSeedAndShrinks() {
        AssertionError e = assertThrows(AssertionError.class, () -> Prop.forAll("size below 3", 50, g -> {
            int n = g.size(1, 20);
            if (n >= 3) {
                throw new AssertionError("n = " + n);
            }
        }));
        assertTrue(e.getMessage().contains("-Dprop.seed=0x"), e.getMessage());
        assertTrue(e.getMessage().contains("smallest failing size scale"), e.getMessage());
    }

    @Test
    void aPrintedSeedWithItsTopBitSetReRunsThatTrial() {
        long seed = 0xcf7bca836779f385L; // printed as 0xcf7b…, which Long.decode rejects
        long[] draw = {0};
        System.setProperty("prop.seed", "0x" + Long.toHexString(seed));
        System.setProperty("prop.trials", "1");
        try {
            Prop.forAll("any name", 100, g -> draw[0] = g.random().nextLong());
        } finally {
            System.clearProperty("prop.seed");
            System.clearProperty("prop.trials");
        }
        assertEquals(new SplittableRandom(seed).nextLong(), draw[0]);
    }

    @Test
    void aTruePropertyPasses() {
        int[] count = {0};
        Prop.forAll("sizes in range", 40, g -> {
            int n = g.size(2, 10);
            count[0]++;
            if (n < 2 || n > 12) {
                throw new AssertionError("out of range: " + n);
            }
        });
        assertTrue(count[0] >= 40);
    }
}
