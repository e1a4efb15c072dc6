package org.jcontrast.loss;

/**
 * SimCLR's NT-Xent (InfoNCE over 2N views): each of the 2N samples is an anchor whose positive is its
 * other view and whose negatives are the 2N − 2 others, the positive in the denominator.
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0 (default 0.5)
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record NtXent(double temperature, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public NtXent {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.5. */
    public NtXent() {
        this(LossKind.NTXENT.defaultTemperature());
    }

    /**
     * The given τ, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public NtXent(double temperature) {
        this(temperature, Normalize.strict());
    }

    @Override
    public LossKind kind() {
        return LossKind.NTXENT;
    }

    @Override
    public NtXent withNormalize(Normalize n) {
        return new NtXent(temperature, n);
    }
}
