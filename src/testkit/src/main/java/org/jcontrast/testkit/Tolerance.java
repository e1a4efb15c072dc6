package org.jcontrast.testkit;

/**
 * When an analytic gradient entry counts as equal to its numeric reference. Entry (r, c) of an
 * input passes when
 *
 * <pre>|analytic − numeric| ≤ relative · scale_r + uncertainty_rc,
 * scale_r = max(max_c |numeric_rc|, rowFloor · max over all rows of all inputs |numeric|, absoluteFloor)</pre>
 *
 * where uncertainty_rc is the numeric reference's own error bound ({@link GradCheck} estimates it for
 * central differences of a float32 function; 0 for a float64 twin).
 *
 * <p>Why the row: a row's gradient (one embedding's) is a sum of terms that float32 rounds at the
 * size of that row's largest terms, so an entry that cancels to nearly zero cannot be relatively
 * precise, while a whole-tensor scale would hide a wrong row whose gradient is small (an easy
 * anchor). {@code rowFloor} keeps rows whose exact gradient is all but zero (a row a normalised
 * loss cannot move, d = 1) from demanding precision below the rounding of the larger rows.
 * Immutable and thread-safe.
 *
 * @param relative      the allowed error as a fraction of the row's scale
 * @param rowFloor      the least row scale, as a fraction of the largest gradient entry of all inputs
 * @param absoluteFloor the least row scale in the gradient's own units (0 for none)
 */
public record Tolerance(double relative, double rowFloor, double absoluteFloor) {

    /**
     * For a float32 function against central differences of itself: 1% of the row scale, rows at
     * least 1% of the largest entry. Float32 rounding and the differences' truncation stay near
     * 0.1%; a wrong sign, a missing term or a wrong temperature factor is off by far more.
     */
    public static final Tolerance FLOAT32 = new Tolerance(1e-2, 1e-2, 0);

    /**
     * For a float32 function against a float64 twin: 0.1% of the row scale, rows at least 1% of the
     * largest entry. Only the float32 side's rounding (~1e-5 of the scale) remains.
     */
    public static final Tolerance FLOAT64_TWIN = new Tolerance(1e-3, 1e-2, 0);

    /**
     * Checks the bounds: finite and ≥ 0, {@code relative} &gt; 0.
     *
     * @throws IllegalArgumentException naming the bounds when one is out of range
     */
    public Tolerance {
        if (!(relative > 0) || Double.isInfinite(relative) || !(rowFloor >= 0) || Double.isInfinite(rowFloor)
                || !(absoluteFloor >= 0) || Double.isInfinite(absoluteFloor)) {
            throw new IllegalArgumentException("tolerance: relative must be > 0 and the floors ≥ 0, all finite; got "
                    + relative + ", " + rowFloor + ", " + absoluteFloor);
        }
    }

    /**
     * The same bounds with another relative error.
     *
     * @param r the allowed error as a fraction of the row's scale
     * @return the new tolerance
     */
    public Tolerance withRelative(double r) {
        return new Tolerance(r, rowFloor, absoluteFloor);
    }

    /**
     * The same bounds with another row floor.
     *
     * @param f the least row scale, as a fraction of the largest entry of all inputs
     * @return the new tolerance
     */
    public Tolerance withRowFloor(double f) {
        return new Tolerance(relative, f, absoluteFloor);
    }

    /**
     * The same bounds with another absolute floor.
     *
     * @param f the least row scale in the gradient's units
     * @return the new tolerance
     */
    public Tolerance withAbsoluteFloor(double f) {
        return new Tolerance(relative, rowFloor, f);
    }
}
