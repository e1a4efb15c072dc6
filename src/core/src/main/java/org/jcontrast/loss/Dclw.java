package org.jcontrast.loss;

/**
 * DCL with the positive term weighted by a von Mises–Fisher weight
 * w = 2 − 2N·exp(s⁺/σ) / Σ exp(s⁺/σ), as Yeh et al.
 * <p>Immutable and thread-safe.
 *
 * @param temperature    τ &gt; 0 (default 0.1)
 * @param sigma          σ &gt; 0 of the weight (default 0.5)
 * @param weightGradient whether the gradient flows through w (default false: w is detached)
 * @param clampWeight    whether w is clamped at 0 (default false)
 * @param normalize      how rows are normalised (default {@link Normalize#strict()})
 */
public record Dclw(double temperature, double sigma, boolean weightGradient, boolean clampWeight, Normalize normalize)
        implements LossSpec {
    /** Checks the options. */
    public Dclw {
        LossSpec.checkTemperature(temperature);
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a positive finite number, got " + sigma);
        }
        LossSpec.require(normalize, "normalize");
    }

    /** τ = 0.1, σ = 0.5. */
    public Dclw() {
        this(LossKind.DCLW.defaultTemperature());
    }

    /**
     * The given τ, σ = 0.5, detached and unclamped weight, strict normalisation.
     *
     * @param temperature τ &gt; 0 and finite, dividing the similarities
     */
    public Dclw(double temperature) {
        this(temperature, 0.5, false, false, Normalize.strict());
    }

    /**
     * The same with σ.
     *
     * @param s σ &gt; 0 of the weight
     * @return the same with σ
     */
    public Dclw withSigma(double s) {
        return new Dclw(temperature, s, weightGradient, clampWeight, normalize);
    }

    /**
     * The same with the gradient flowing through w, or not.
     *
     * @param on true to let the gradient flow through w
     * @return the same with the gradient flowing through w, or not
     */
    public Dclw withWeightGradient(boolean on) {
        return new Dclw(temperature, sigma, on, clampWeight, normalize);
    }

    /**
     * The same with w clamped at 0, or not.
     *
     * @param on true to clamp w at 0
     * @return the same with w clamped at 0, or not
     */
    public Dclw withClampWeight(boolean on) {
        return new Dclw(temperature, sigma, weightGradient, on, normalize);
    }

    @Override
    public LossKind kind() {
        return LossKind.DCLW;
    }

    @Override
    public Dclw withNormalize(Normalize n) {
        return new Dclw(temperature, sigma, weightGradient, clampWeight, n);
    }
}
