package org.jcontrast.loss;

/**
 * Khosla et al.'s supervised contrastive loss: every other sample of the anchor's class is a
 * positive. The labels, one per row of a view, are given per batch ({@link BatchInputs#labels}).
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0 (default 0.5)
 * @param rescale     whether the loss is multiplied by τ, as lightly does (default true)
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record SupCon(double temperature, boolean rescale, Normalize normalize) implements LossSpec {
    /** Checks the options. */
    public SupCon {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.5, rescaled. */
    public SupCon() {
        this(LossKind.SUPCON.defaultTemperature());
    }

    /**
     * The given τ, rescaled, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public SupCon(double temperature) {
        this(temperature, true, Normalize.strict());
    }

    /**
     * The same, multiplied by τ or not.
     *
     * @param on true to multiply the loss by τ
     * @return the same, multiplied by τ or not
     */
    public SupCon withRescale(boolean on) {
        return new SupCon(temperature, on, normalize);
    }

    @Override
    public LossKind kind() {
        return LossKind.SUPCON;
    }

    @Override
    public SupCon withNormalize(Normalize n) {
        return new SupCon(temperature, rescale, n);
    }
}
