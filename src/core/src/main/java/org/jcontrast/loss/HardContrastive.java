package org.jcontrast.loss;

/**
 * Wang &amp; Liu's hard contrastive loss: NT-Xent whose denominator keeps only each anchor's hardest
 * negatives, the top K or an upper quantile of similarity.
 * <p>Immutable and thread-safe.
 *
 * @param temperature τ &gt; 0
 * @param selection   which negatives are kept (required)
 * @param negatives   the candidate negatives: the 2N − 2 others ({@link NegativeSet#ALL}, default) or
 *                    the N − 1 of the other view
 * @param normalize   how rows are normalised (default {@link Normalize#strict()})
 */
public record HardContrastive(double temperature, Selection selection, NegativeSet negatives, Normalize normalize)
        implements LossSpec {
    /** Checks the options. */
    public HardContrastive {
        LossSpec.checkTemperature(temperature);
        LossSpec.require(selection, "the hard loss's selection of negatives (Selection.topK or Selection.quantile)");
        LossSpec.require(negatives, "negatives");
        LossSpec.require(normalize, "normalize");
    }

    /**
     * τ and the selection, among all negatives, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     * @param selection which negatives each anchor keeps
     */
    public HardContrastive(double temperature, Selection selection) {
        this(temperature, selection, NegativeSet.ALL, Normalize.strict());
    }

    /**
     * The same with the candidate negatives.
     *
     * @param set the candidate negatives
     * @return the same with the candidate negatives
     */
    public HardContrastive withNegatives(NegativeSet set) {
        return new HardContrastive(temperature, selection, set, normalize);
    }

    @Override
    public LossKind kind() {
        return LossKind.HARD;
    }

    @Override
    public HardContrastive withNormalize(Normalize n) {
        return new HardContrastive(temperature, selection, negatives, n);
    }
}
