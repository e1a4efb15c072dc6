package org.jcontrast.loss;

/**
 * How a loss turns its input rows into unit vectors before comparing them. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link #strict()} (the default): z / ‖z‖; a row of norm zero has no direction and is an error
 *       naming the row.</li>
 *   <li>{@link #likePyTorch(float)}: z / max(‖z‖, eps), as PyTorch's {@code F.normalize(z, eps=eps)}:
 *       a zero row comes out as zeros.</li>
 *   <li>{@link #unitRows()}: the rows are unit vectors already (checked to 1e-3) and used as given.</li>
 * </ul>
 * Norms whose squares float32 cannot hold (elements near 1e20 or 1e-20) are computed in float64,
 * so rows of very large or very small values normalise as in float64.
 */
public final class Normalize {
    /** PyTorch's default eps of {@code F.normalize}, for {@link #likePyTorch(float)}. */
    public static final float DEFAULT_EPS = 1e-12f;
    /**
     * eps of {@link #strict()}: the smallest positive float, so that every row it accepts (any
     * non-zero row) is divided by its own norm, however small.
     */
    private static final float STRICT_EPS = Float.MIN_VALUE;

    private static final Normalize STRICT = new Normalize(STRICT_EPS, false, false);
    private static final Normalize UNIT_ROWS = new Normalize(DEFAULT_EPS, false, true);

    private final float eps;
    private final boolean zeroRowsAllowed;
    private final boolean unit;

    private Normalize(float eps, boolean zeroRowsAllowed, boolean unit) {
        this.eps = eps;
        this.zeroRowsAllowed = zeroRowsAllowed;
        this.unit = unit;
    }

    /**
     * z / ‖z‖, refusing zero rows.
     *
     * @return the normalisation z / ‖z‖, refusing zero rows
     */
    public static Normalize strict() {
        return STRICT;
    }

    /**
     * z / max(‖z‖, eps), accepting zero rows as PyTorch's {@code F.normalize} does; eps &gt; 0 and finite.
     *
     * @param eps the floor of the norm
     * @return the normalisation z / max(‖z‖, eps)
     */
    public static Normalize likePyTorch(float eps) {
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be a positive finite number, got " + eps);
        }
        return new Normalize(eps, true, false);
    }

    /**
     * The rows are unit vectors already: checked to 1e-3, then used as given.
     *
     * @return the normalisation that takes the rows as unit vectors
     */
    public static Normalize unitRows() {
        return UNIT_ROWS;
    }

    /**
     * eps of z / max(‖z‖, eps).
     *
     * @return eps of z / max(‖z‖, eps)
     */
    public float eps() {
        return eps;
    }

    /**
     * Whether zero rows are accepted (and come out as zeros).
     *
     * @return whether zero rows are accepted (and come out as zeros)
     */
    public boolean zeroRowsAllowed() {
        return zeroRowsAllowed;
    }

    /**
     * Whether the rows are taken as unit vectors, unchanged.
     *
     * @return whether the rows are taken as unit vectors, unchanged
     */
    public boolean unitRowsGiven() {
        return unit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && n.eps == eps && n.zeroRowsAllowed == zeroRowsAllowed && n.unit == unit;
    }

    @Override
    public int hashCode() {
        return Float.hashCode(eps) * 31 + (zeroRowsAllowed ? 2 : 0) + (unit ? 1 : 0);
    }

    @Override
    public String toString() {
        return unit ? "unit rows" : zeroRowsAllowed ? "like PyTorch, eps=" + eps : "strict";
    }
}
