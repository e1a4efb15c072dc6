package org.jcontrast.testkit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeded property trials with shrinking (the project uses no jqwik). {@link #forAll} runs a check on
 * N trials, each with its own seed derived from the property's name; on a failure it re-runs the
 * same seed with the size caps lowered (shrinking the shapes (N, d) the trial draws), and throws an
 * {@link AssertionError} naming the seed, the smallest failing sizes and how to re-run that one
 * trial. The failing seed is also logged (System.Logger {@code org.jcontrast.testkit}, WARNING).
 *
 * <p>Re-running one seed is one system property, {@code -Djcontrast.seed=0x…} (every property then
 * runs that seed once), or one argument, {@link #rerun}. {@code -Djcontrast.trials=N} changes every
 * property's trial count. Stateless and thread-safe (the check must be too if called concurrently).
 */
public final class Property {
    /** The system property holding one seed to re-run (hex as printed, {@code 0x…}, or decimal). */
    public static final String SEED_PROPERTY = "jcontrast.seed";
    /** The system property overriding every property's number of trials. */
    public static final String TRIALS_PROPERTY = "jcontrast.trials";

    private static final long BASE_SEED = 0x5EEDC0FFEEL;
    private static final double[] SHRINK_LEVELS = {0.5, 0.25, 0.1, 0.0};
    private static final System.Logger LOG = System.getLogger("org.jcontrast.testkit");

    private Property() {
    }

    /** One trial's check: throws (an {@link AssertionError}, typically) when the property fails. */
    @FunctionalInterface
    public interface Trial {
        /**
         * Runs one trial.
         *
         * @param gen the trial's random source
         * @throws Exception (an {@link AssertionError} typically) when the property fails
         */
        void run(Gen gen) throws Exception;
    }

    /**
     * Runs {@code check} on {@code trials} seeded trials (or on the one seed of {@link #SEED_PROPERTY});
     * throws at the first failure, after shrinking it.
     *
     * @param name   the property's name (the trials' seeds derive from it)
     * @param trials how many trials, unless {@link #TRIALS_PROPERTY} says otherwise
     * @param check  the trial
     * @throws AssertionError naming the property, the seed, the smallest failing sizes and the failure
     */
    public static void forAll(String name, int trials, Trial check) {
        String fixed = System.getProperty(SEED_PROPERTY);
        if (fixed != null) {
            rerun(name, parseSeed(fixed), check);
            return;
        }
        int n = Integer.getInteger(TRIALS_PROPERTY, trials);
        long base = BASE_SEED ^ name.hashCode();
        for (int t = 0; t < n; t++) {
            run(name, mix(base + t), "trial " + t, check);
        }
    }

    /**
     * Runs {@code check} on the one trial of {@code seed}, as printed by a failure; shrinks it if it fails.
     *
     * @param name  the property's name, for the report
     * @param seed  the trial's seed
     * @param check the trial
     * @throws AssertionError naming the seed, the smallest failing sizes and the failure
     */
    public static void rerun(String name, long seed, Trial check) {
        run(name, seed, "re-run", check);
    }

    /**
     * A seed as the reports print it: {@code 0x} and its 64 bits in hex.
     *
     * @param seed the seed
     * @return its text
     */
    public static String formatSeed(long seed) {
        return "0x" + Long.toHexString(seed);
    }

    /**
     * Reads a seed as printed (hex, whose top bit may be set, which {@link Long#decode} rejects) or decimal.
     *
     * @param text the seed's text
     * @return the seed
     * @throws IllegalArgumentException when the text is not a seed
     */
    public static long parseSeed(String text) {
        String t = text.trim();
        try {
            return t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + ": '" + text + "' is not a seed; give it as printed, "
                    + "e.g. 0x1f2e3d4c5b6a7988", e);
        }
    }

    private static void run(String name, long seed, String which, Trial check) {
        Gen full = new Gen(seed, 1);
        Throwable failure = attempt(check, full);
        if (failure == null) {
            return;
        }
        double smallest = 1;
        Throwable smallestFailure = failure;
        List<Integer> smallestSizes = full.sizes();
        List<String> tried = new ArrayList<>();
        for (double level : SHRINK_LEVELS) {
            Gen g = new Gen(seed, level);
            Throwable f = attempt(check, g);
            tried.add(level + (f == null ? " passes" : " fails"));
            if (f != null) {
                smallest = level;
                smallestFailure = f;
                smallestSizes = g.sizes();
            }
        }
        String seedText = formatSeed(seed);
        String message = "property '" + name + "' failed at seed " + seedText + " (" + which + "); smallest failing "
                + "size scale " + smallest + ", sizes drawn " + smallestSizes + " [" + String.join(", ", tried)
                + "]; re-run with -D" + SEED_PROPERTY + "=" + seedText + ": " + smallestFailure.getMessage();
        LOG.log(Level.WARNING, "property ''{0}'' failed at seed {1}; re-run with -D{2}={1}", name, seedText,
                SEED_PROPERTY);
        throw new AssertionError(message, smallestFailure);
    }

    private static Throwable attempt(Trial check, Gen gen) {
        try {
            check.run(gen);
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
