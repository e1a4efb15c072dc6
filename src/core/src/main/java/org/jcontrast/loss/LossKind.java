package org.jcontrast.loss;

import java.util.Locale;

/**
 * The contrastive losses jcontrast implements, with their command-line names and default temperatures.
 * <p>Immutable and thread-safe.
 */
public enum LossKind {
    /** SimCLR's NT-Xent: 2N anchors, one positive and 2N−2 negatives each, positive in the denominator. */
    NTXENT("ntxent", 0.5),
    /** Decoupled contrastive loss: NT-Xent without the positive in the denominator. */
    DCL("dcl", 0.1),
    /** DCL with the positive term weighted by a von Mises–Fisher weight. */
    DCLW("dclw", 0.1),
    /** Wang &amp; Liu's hard contrastive loss: negatives restricted to the top-K or an upper quantile. */
    HARD("hard", 0.5),
    /** Wang &amp; Liu's L_simple = −s_ii + λ·Σ s_ij (no temperature). */
    SIMPLE("simple", Double.NaN),
    /** L_simple over the top-K (or upper-quantile) negatives only. */
    HARDSIMPLE("hardsimple", Double.NaN),
    /** InfoNCE with an external bank of negatives (MoCo-style queue). */
    INFONCE("infonce", 0.5),
    /** Khosla et al.'s supervised contrastive loss (needs labels). */
    SUPCON("supcon", 0.5),
    /** CLIP's symmetric cross-entropy between two towers, with a learnable temperature. */
    CLIP("clip", 0.07);

    private final String cliName;
    private final double defaultTemperature;

    LossKind(String cliName, double defaultTemperature) {
        this.cliName = cliName;
        this.defaultTemperature = defaultTemperature;
    }

    /**
     * The name used on the command line and in files.
     *
     * @return the name used on the command line and in files
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The default τ (lightly's where lightly has the loss); NaN for losses without a temperature.
     *
     * @return the default τ (lightly's where lightly has the loss); NaN for losses without a temperature
     */
    public double defaultTemperature() {
        return defaultTemperature;
    }

    /**
     * True when the loss divides similarities by a temperature.
     *
     * @return true when the loss divides similarities by a temperature
     */
    public boolean usesTemperature() {
        return !Double.isNaN(defaultTemperature);
    }

    /**
     * True for the losses that select hard negatives (top-K or quantile).
     *
     * @return true for the losses that select hard negatives (top-K or quantile)
     */
    public boolean selectsNegatives() {
        return this == HARD || this == HARDSIMPLE;
    }

    /**
     * The kind with this command-line name.
     *
     * @param name the command-line name, e.g. {@code ntxent}
     * @return the kind with this command-line name
     */
    public static LossKind fromName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (LossKind k : values()) {
            if (k.cliName.equals(n)) {
                return k;
            }
        }
        StringBuilder known = new StringBuilder();
        for (LossKind k : values()) {
            known.append(known.isEmpty() ? "" : ", ").append(k.cliName);
        }
        throw new IllegalArgumentException("unknown loss '" + name + "'; known losses: " + known);
    }
}
