package org.jcontrast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The harness itself: it reports failures with a seed, shrinks sizes, and re-runs one seed. */
class PropertyTest {

    @Test
    void aFailingPropertyReportsItsSeedAndShrinksTheSizes() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("size below 3", 50, g -> {
            int n = g.size(1, 20);
            if (n >= 3) {
                throw new AssertionError("n = " + n);
            }
        }));
        assertTrue(e.getMessage().contains("-Djcontrast.seed=0x"), e.getMessage());
        assertTrue(e.getMessage().contains("smallest failing size scale"), e.getMessage());
        assertTrue(e.getCause().getMessage().startsWith("n = "), e.getMessage());
    }

    @Test
    void shrinkingReportsTheSmallestShapeThatStillFails() {
        // Fails whenever d ≥ 2: shrinking to scale 0 draws the minimum, N = 2, d = 1, which passes; the
        // report gives the sizes of the smallest failing level, which still has d ≥ 2.
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("d below 2", 20, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 40).width(1, 30).draw(g);
            if (v.d() >= 2) {
                throw new AssertionError("d = " + v.d());
            }
        }));
        String sizes = e.getMessage().replaceAll(".*sizes drawn \\[(\\d+), (\\d+)\\].*", "$1 $2").strip();
        String[] nd = sizes.split(" ");
        assertTrue(Integer.parseInt(nd[1]) >= 2 && Integer.parseInt(nd[0]) <= 40, e.getMessage());
        assertTrue(e.getMessage().contains("0.0 passes"), e.getMessage());
    }

    @Test
    void aPrintedSeedWithItsTopBitSetReRunsThatTrialThroughTheSystemProperty() {
        long seed = 0xcf7bca836779f385L; // printed as 0xcf7b…, which Long.decode rejects
        List<Long> draws = new ArrayList<>();
        System.setProperty(Property.SEED_PROPERTY, Property.formatSeed(seed));
        try {
            Property.forAll("any name", 100, g -> draws.add(g.random().nextLong()));
        } finally {
            System.clearProperty(Property.SEED_PROPERTY);
        }
        assertEquals(List.of(new SplittableRandom(seed).nextLong()), draws);
    }

    @Test
    void rerunTakesTheSeedAsAnArgument() {
        long[] seen = {0};
        Property.rerun("any name", 42, g -> seen[0] = g.seed());
        assertEquals(42, seen[0]);
        assertEquals(42, Property.parseSeed("42"));
        assertEquals(-1L, Property.parseSeed("0xffffffffffffffff"));
        assertThrows(IllegalArgumentException.class, () -> Property.parseSeed("0xnope"));
    }

    @Test
    void aTruePropertyPassesEveryTrial() {
        int[] count = {0};
        Property.forAll("sizes in range", 40, g -> {
            int n = g.size(2, 10);
            count[0]++;
            if (n < 2 || n > 12) {
                throw new AssertionError("out of range: " + n);
            }
        });
        assertEquals(40, count[0]);
    }
}
