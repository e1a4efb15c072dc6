package org.jcontrast.loss;

/**
 * Wang &amp; Liu's L_simple = −s_ii + λ·Σ_j s_ij, without a temperature.
 * <p>Immutable and thread-safe.
 *
 * @param lambda    λ ≥ 0, or NaN (the default) for 1/(negatives summed), which makes L_simple the
 *                  τ → ∞ limit of NT-Xent's gradient direction and satisfies Wang &amp; Liu's
 *                  identity |∂L/∂s_ii| = Σ_j |∂L/∂s_ij|
 * @param negatives the negatives summed ({@link NegativeSet#ALL} by default)
 * @param normalize how rows are normalised (default {@link Normalize#strict()})
 */
public record Simple(double lambda, NegativeSet negatives, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public Simple {
        LossSpec.checkLambda(lambda);
        LossSpec.require(negatives, "negatives");
        LossSpec.require(normalize, "normalize");
    }

    /** λ = 1/(negatives summed), all negatives, strict normalisation. */
    public Simple() {
        this(Double.NaN, NegativeSet.ALL, Normalize.strict());
    }

    /**
     * The same with λ.
     *
     * @param l λ ≥ 0, or NaN for 1/(negatives)
     * @return the same with λ
     */
    public Simple withLambda(double l) {
        return new Simple(l, negatives, normalize);
    }

    /**
     * The same with the negatives summed.
     *
     * @param set the candidate negatives
     * @return the same with the negatives summed
     */
    public Simple withNegatives(NegativeSet set) {
        return new Simple(lambda, set, normalize);
    }

    /** NaN: this loss has no temperature. */
    @Override
    public double temperature() {
        return Double.NaN;
    }

    @Override
    public LossKind kind() {
        return LossKind.SIMPLE;
    }

    @Override
    public Simple withNormalize(Normalize n) {
        return new Simple(lambda, negatives, n);
    }
}
