package org.jcontrast.loss;

/**
 * CLIP's symmetric cross-entropy between two towers (z1 images, z2 texts), with logits
 * s/τ. The gradient with respect to the logit scale t = log(1/τ) comes with the result
 * ({@link LossResult#gradLogitScale()}), so that τ can be learned.
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0 (default 0.07)
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record Clip(double temperature, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public Clip {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.07. */
    public Clip() {
        this(LossKind.CLIP.defaultTemperature());
    }

    /**
     * The given τ, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public Clip(double temperature) {
        this(temperature, Normalize.strict());
    }

    @Override
    public LossKind kind() {
        return LossKind.CLIP;
    }

    @Override
    public Clip withNormalize(Normalize n) {
        return new Clip(temperature, n);
    }
}
