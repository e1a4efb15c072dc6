package org.jcontrast.loss;

/**
 * Wang &amp; Liu's HardSimple: L_simple over each anchor's hardest negatives only.
 * <p>Immutable and thread-safe.
 *
 * @param selection which negatives are kept (required)
 * @param lambda    λ ≥ 0, or NaN (the default) for 1/(negatives kept)
 * @param negatives the candidate negatives ({@link NegativeSet#ALL} by default)
 * @param normalize how rows are normalised (default {@link Normalize#strict()})
 */
public record HardSimple(Selection selection, double lambda, NegativeSet negatives, Normalize normalize)
        implements LossSpec {
    /** Checks the options. */
    public HardSimple {
        LossSpec.require(selection, "hardsimple's selection of negatives (Selection.topK or Selection.quantile)");
        LossSpec.checkLambda(lambda);
        LossSpec.require(negatives, "negatives");
        LossSpec.require(normalize, "normalize");
    }

    /**
     * The selection, λ = 1/(negatives kept), all negatives, strict normalisation.
     *
     * @param selection which negatives each anchor keeps
     */
    public HardSimple(Selection selection) {
        this(selection, Double.NaN, NegativeSet.ALL, Normalize.strict());
    }

    /**
     * The same with λ.
     *
     * @param l λ ≥ 0, or NaN for 1/(negatives)
     * @return the same with λ
     */
    public HardSimple withLambda(double l) {
        return new HardSimple(selection, l, negatives, normalize);
    }

    /**
     * The same with the candidate negatives.
     *
     * @param set the candidate negatives
     * @return the same with the candidate negatives
     */
    public HardSimple withNegatives(NegativeSet set) {
        return new HardSimple(selection, lambda, set, normalize);
    }

    /** NaN: this loss has no temperature. */
    @Override
    public double temperature() {
        return Double.NaN;
    }

    @Override
    public LossKind kind() {
        return LossKind.HARDSIMPLE;
    }

    @Override
    public HardSimple withNormalize(Normalize n) {
        return new HardSimple(selection, lambda, negatives, n);
    }
}
