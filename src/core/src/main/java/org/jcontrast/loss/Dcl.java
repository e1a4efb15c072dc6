package org.jcontrast.loss;

/**
 * Yeh et al.'s decoupled contrastive loss: NT-Xent without the positive in the denominator, which
 * removes the negative-positive coupling multiplier from the gradient.
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0 (default 0.1)
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record Dcl(double temperature, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public Dcl {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.1. */
    public Dcl() {
        this(LossKind.DCL.defaultTemperature());
    }

    /**
     * The given τ, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public Dcl(double temperature) {
        this(temperature, Normalize.strict());
    }

    @Override
    public LossKind kind() {
        return LossKind.DCL;
    }

    @Override
    public Dcl withNormalize(Normalize n) {
        return new Dcl(temperature, n);
    }
}
