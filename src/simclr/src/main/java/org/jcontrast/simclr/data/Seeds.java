package org.jcontrast.simclr.data;

import java.util.SplittableRandom;

/**
 * Random streams derived from a run's seed and a few coordinates (epoch, sample index, view...),
 * so that what a sample gets never depends on which thread handled it or in which order.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /**
     * A generator determined by {@code seed} and the coordinates, independent of any other call.
     *
     * @param seed the run's seed
     * @param coordinates values that, with the seed, pick the stream (e.g. epoch, index, view)
     * @return the generator
     */
    public static SplittableRandom random(long seed, long... coordinates) {
        return new SplittableRandom(derive(seed, coordinates));
    }

    /**
     * A 64-bit seed determined by {@code seed} and the coordinates.
     *
     * @param seed the run's seed
     * @param coordinates values that, with the seed, pick the stream (e.g. epoch, index, view)
     * @return the derived seed
     */
    public static long derive(long seed, long... coordinates) {
        long h = mix(seed);
        for (long c : coordinates) {
            // Each coordinate goes through its own mixing before combining, so (1, 2) and (2, 1) differ.
            h = mix(h + GOLDEN_GAMMA * mix(c + GOLDEN_GAMMA));
        }
        return h;
    }

    /** SplitMix64's finaliser: a bijection that spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
