package org.jcontrast.loss;

/**
 * InfoNCE with a MoCo-style memory bank of negatives: z1 are the queries, z2 their positive keys, and
 * the bank (given per batch, {@link BatchInputs#bank}) the negatives. The loss is the cross-entropy of
 * each query against its key and the bank.
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0 (default 0.5)
 * @param symmetric   whether the loss averages both directions (z1 as queries, then z2)
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record InfoNce(double temperature, boolean symmetric, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public InfoNce {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.5, one direction. */
    public InfoNce() {
        this(LossKind.INFONCE.defaultTemperature());
    }

    /**
     * The given τ, one direction, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public InfoNce(double temperature) {
        this(temperature, false, Normalize.strict());
    }

    /**
     * The same, averaged over both directions or not.
     *
     * @param on true to average both directions
     * @return the same, averaged over both directions or not
     */
    public InfoNce withSymmetric(boolean on) {
        return new InfoNce(temperature, on, normalize);
    }

    @Override
    public LossKind kind() {
        return LossKind.INFONCE;
    }

    @Override
    public InfoNce withNormalize(Normalize n) {
        return new InfoNce(temperature, symmetric, n);
    }
}
