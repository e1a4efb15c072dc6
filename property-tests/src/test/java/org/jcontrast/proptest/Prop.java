package org.jcontrast.proptest;

import java.util.ArrayList;
import java.util.List;

/**
 * A small seeded property harness (the project does not use jqwik). Each trial gets its own seed
 * derived from a base seed; a failure is re-run at the same seed with smaller size caps to shrink
 * its shapes, and the error names the seed and how to re-run exactly that trial:
 * {@code -Dprop.seed=<seed> -Dprop.trials=1}. {@code -Dprop.trials=N} changes every property's
 * trial count.
 */
public final class Prop {
    private static final long DEFAULT_BASE_SEED = 0x5EEDC0FFEEL;
    private static final double[] SHRINK_LEVELS = {0.5, 0.25, 0.1, 0.0};

    private Prop() {
    }

    /** One trial's check: throws (an AssertionError, typically) when the property fails. */
    @FunctionalInterface
    public interface Check {
        /** Runs one trial with the given random source. */
        void run(Gen gen) throws Exception;
    }

    /** Checks {@code check} over {@code trials} seeded trials; fails with the seed of the first failure. */
    public static void forAll(String name, int trials, Check check) {
        String fixed = System.getProperty("prop.seed");
        int n = Integer.getInteger("prop.trials", trials);
        long base = fixed != null ? parseSeed(fixed) : DEFAULT_BASE_SEED ^ name.hashCode();
        for (int t = 0; t < n; t++) {
            long seed = fixed != null && t == 0 ? base : mix(base + t);
            Throwable failure = attempt(check, seed, 1.0);
            if (failure == null) {
                continue;
            }
            double smallest = 1.0;
            Throwable smallestFailure = failure;
            List<String> tried = new ArrayList<>();
            for (double level : SHRINK_LEVELS) {
                Throwable f = attempt(check, seed, level);
                tried.add(level + (f == null ? " passes" : " fails"));
                if (f != null) {
                    smallest = level;
                    smallestFailure = f;
                }
            }
            AssertionError e = new AssertionError("property '" + name + "' failed at seed 0x" + Long.toHexString(seed)
                    + " (trial " + t + "); smallest failing size scale " + smallest + " [" + String.join(", ", tried)
                    + "]; re-run with -Dprop.seed=0x" + Long.toHexString(seed) + " -Dprop.trials=1: "
                    + smallestFailure.getMessage(), smallestFailure);
            throw e;
        }
    }

    /** Reads a seed as printed (hex with the top bit possibly set, which Long.decode rejects) or decimal. */
    private static long parseSeed(String text) {
        String t = text.trim();
        return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.decode(t);
    }

    private static Throwable attempt(Check check, long seed, double scale) {
        try {
            check.run(new Gen(seed, scale));
            return null;
        } catch (Exception | AssertionError e) {
            return e;
        }
    }

    /** SplitMix64's finaliser: spreads consecutive trial numbers over the seed space. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
