package org.jcontrast.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;

/**
 * The random source of one {@link Property} trial. Sizes are drawn below caps that the harness
 * lowers when it shrinks a failure, so a failing seed is reported with the smallest shapes (N, d)
 * at which it still fails; the sizes drawn are recorded for that report. Not thread-safe: one per
 * trial.
 */
public final class Gen {
    private final long seed;
    private final SplittableRandom random;
    private final double sizeScale;
    private final List<Integer> sizes = new ArrayList<>();

    Gen(long seed, double sizeScale) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.sizeScale = sizeScale;
    }

    /**
     * A generator for one seed at full size, outside a {@link Property} run (e.g. to reproduce a trial).
     *
     * @param seed the seed
     * @return the generator
     */
    public static Gen of(long seed) {
        return new Gen(seed, 1);
    }

    /**
     * The seed this trial started from: {@link Property#SEED_PROPERTY} set to it re-runs the trial.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The shrink level: 1 at full size, lower while the harness shrinks a failure.
     *
     * @return the level, in [0, 1]
     */
    public double sizeScale() {
        return sizeScale;
    }

    /**
     * The sizes drawn by {@link #size} so far, in order.
     *
     * @return a copy of the sizes
     */
    public List<Integer> sizes() {
        return List.copyOf(sizes);
    }

    /**
     * A size in [min, min + maxExtra], the extra part scaled down by the shrink level.
     *
     * @param min      the least size
     * @param maxExtra the most added to it at full size
     * @return the size
     */
    public int size(int min, int maxExtra) {
        int extra = (int) Math.floor(maxExtra * sizeScale);
        int s = min + (extra <= 0 ? 0 : random.nextInt(extra + 1));
        sizes.add(s);
        return s;
    }

    /**
     * A uniform integer in [lo, hi].
     *
     * @param lo the least value
     * @param hi the largest value
     * @return the integer
     */
    public int intIn(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    /**
     * A uniform double in [lo, hi).
     *
     * @param lo the least value
     * @param hi the bound above
     * @return the double
     */
    public double doubleIn(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /**
     * A log-uniform double in [lo, hi) (both &gt; 0): as likely in [0.01, 0.1) as in [0.1, 1).
     *
     * @param lo the least value
     * @param hi the bound above
     * @return the double
     */
    public double logUniform(double lo, double hi) {
        return Math.exp(doubleIn(Math.log(lo), Math.log(hi)));
    }

    /**
     * A fair coin.
     *
     * @return heads or tails
     */
    public boolean bool() {
        return random.nextBoolean();
    }

    /**
     * One of {@code options}, uniformly.
     *
     * @param <T>     the options' type
     * @param options the options, at least one
     * @return the one drawn
     */
    @SafeVarargs
    public final <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    /**
     * A uniformly random permutation of 0 … n−1.
     *
     * @param n how many
     * @return the permutation
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            p[i] = p[j];
            p[j] = i;
        }
        return p;
    }

    /**
     * A [rows, cols] matrix of independent standard normal values times {@code scale}.
     *
     * @param rows  the rows
     * @param cols  the columns
     * @param scale the standard deviation
     * @return the matrix
     */
    public Tensor normal(int rows, int cols, double scale) {
        Tensor t = Tensor.randn(random.split(), rows, cols);
        if (scale != 1) {
            float[] a = t.array();
            for (int i = 0; i < a.length; i++) {
                a[i] *= (float) scale;
            }
        }
        return t;
    }

    /**
     * The underlying generator, for draws the helpers above do not cover.
     *
     * @return the generator (shared, not a copy)
     */
    public SplittableRandom random() {
        return random;
    }
}
