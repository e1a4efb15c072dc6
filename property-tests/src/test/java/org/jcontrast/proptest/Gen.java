package org.jcontrast.proptest;

import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;

/**
 * The random source of one property trial. Sizes are drawn below a cap that the harness lowers
 * when it shrinks a failure, so a failing seed is reported together with the smallest shapes at
 * which it still fails.
 */
public final class Gen {
    private final SplittableRandom random;
    private final double sizeScale;

    Gen(long seed, double sizeScale) {
        this.random = new SplittableRandom(seed);
        this.sizeScale = sizeScale;
    }

    /** A size in [min, min + (maxExtra scaled by the shrink level)]. */
    public int size(int min, int maxExtra) {
        int extra = (int) Math.floor(maxExtra * sizeScale);
        return min + (extra <= 0 ? 0 : random.nextInt(extra + 1));
    }

    /** A uniform integer in [lo, hi]. */
    public int intIn(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    /** A uniform double in [lo, hi). */
    public double doubleIn(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** A fair coin. */
    public boolean bool() {
        return random.nextBoolean();
    }

    /** A matrix of independent standard normal values times {@code scale}. */
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

    /** The underlying generator, for draws the helpers above do not cover. */
    public SplittableRandom random() {
        return random;
    }
}
