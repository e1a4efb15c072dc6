package org.jcontrast.loss;

import java.util.Objects;

/**
 * What a contrastive loss computes: one record per loss, each holding exactly the options that loss
 * has, checked when it is built, so an impossible combination cannot be expressed. Records compare
 * by value. Per-batch inputs (SupCon's labels, InfoNCE's memory bank) are not part of the spec:
 * they go to {@link Loss#compute(org.jcontrast.tensor.Tensor, org.jcontrast.tensor.Tensor, BatchInputs)}.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * Loss ntxent = Losses.create(new NtXent(0.2));
 * Loss hard = Losses.create(new HardContrastive(0.5, Selection.topK(16)));
 * Loss dclw = Losses.create(new Dclw(0.1).withSigma(0.5));
 * }</pre>
 */
public sealed interface LossSpec permits NtXent, Dcl, Dclw, HardContrastive, Simple, HardSimple, InfoNce, SupCon, Clip {

    /**
     * Which loss this is (its command-line name and default temperature).
     *
     * @return which loss this is (its command-line name and default temperature)
     */
    LossKind kind();

    /**
     * τ, dividing the similarities; NaN for simple and hardsimple, which have none.
     *
     * @return τ, dividing the similarities; NaN for simple and hardsimple, which have none
     */
    double temperature();

    /**
     * How the rows are normalised before they are compared.
     *
     * @return how the rows are normalised before they are compared
     */
    Normalize normalize();

    /**
     * The same loss with another normalisation.
     *
     * @param normalize the normalisation
     * @return the same loss with another normalisation
     */
    LossSpec withNormalize(Normalize normalize);

    /**
     * The spec in the command line's words, e.g. {@code ntxent τ=0.5} or {@code hard τ=0.5 top-k=16}.
     *
     * @return the spec in the command line's words
     */
    default String describe() {
        StringBuilder sb = new StringBuilder(kind().cliName());
        switch (this) {
            case NtXent s -> sb.append(" τ=").append(s.temperature());
            case Dcl s -> sb.append(" τ=").append(s.temperature());
            case Dclw s -> sb.append(" τ=").append(s.temperature()).append(" σ=").append(s.sigma())
                    .append(s.weightGradient() ? " w-grad" : "").append(s.clampWeight() ? " w≥0" : "");
            case HardContrastive s -> sb.append(" τ=").append(s.temperature()).append(' ').append(s.selection())
                    .append(s.negatives() == NegativeSet.ALL ? "" : " negatives=cross");
            case Simple s -> sb.append(Double.isNaN(s.lambda()) ? "" : " λ=" + s.lambda())
                    .append(s.negatives() == NegativeSet.ALL ? "" : " negatives=cross");
            case HardSimple s -> sb.append(' ').append(s.selection())
                    .append(Double.isNaN(s.lambda()) ? "" : " λ=" + s.lambda())
                    .append(s.negatives() == NegativeSet.ALL ? "" : " negatives=cross");
            case InfoNce s -> sb.append(" τ=").append(s.temperature()).append(s.symmetric() ? " symmetric" : "");
            case SupCon s -> sb.append(" τ=").append(s.temperature()).append(s.rescale() ? "" : " no-rescale");
            case Clip s -> sb.append(" τ=").append(s.temperature());
        }
        if (!normalize().equals(Normalize.strict())) {
            sb.append(" (").append(normalize()).append(')');
        }
        return sb.toString();
    }

    /**
     * A builder of a {@code kind} spec from options set one by one, as from a configuration file or flags.
     *
     * @param kind the loss
     * @return this builder
     */
    static Builder builder(LossKind kind) {
        return new Builder(kind);
    }

    /**
     * A builder holding {@code spec}'s options, to change some of them.
     *
     * @param spec the spec whose options the builder starts from
     * @return this builder
     */
    static Builder builder(LossSpec spec) {
        Builder b = new Builder(spec.kind()).normalize(spec.normalize());
        switch (spec) {
            case NtXent s -> b.temperature(s.temperature());
            case Dcl s -> b.temperature(s.temperature());
            case Dclw s -> b.temperature(s.temperature()).sigma(s.sigma()).weightGradient(s.weightGradient())
                    .clampWeight(s.clampWeight());
            case HardContrastive s -> b.temperature(s.temperature()).selection(s.selection()).negatives(s.negatives());
            case Simple s -> b.lambda(s.lambda()).negatives(s.negatives());
            case HardSimple s -> b.selection(s.selection()).lambda(s.lambda()).negatives(s.negatives());
            case InfoNce s -> b.temperature(s.temperature()).symmetric(s.symmetric());
            case SupCon s -> b.temperature(s.temperature()).rescale(s.rescale());
            case Clip s -> b.temperature(s.temperature());
        }
        return b;
    }

    /**
     * Checks a temperature: positive and finite.
     *
     * @param t the temperature
     * @return {@code t}
     */
    static double checkTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("the temperature must be a positive finite number, got " + t);
        }
        return t;
    }

    /**
     * Checks λ of the simple losses: NaN (1/negatives), or finite and ≥ 0.
     *
     * @param lambda λ
     * @return {@code lambda}
     */
    static double checkLambda(double lambda) {
        if (!Double.isNaN(lambda) && (!(lambda >= 0) || Double.isInfinite(lambda))) {
            throw new IllegalArgumentException("lambda must be a finite number ≥ 0 (or NaN for 1/negatives), got "
                    + lambda);
        }
        return lambda;
    }

    /**
     * Checks a required option is present.
     *
     * @param <T> the option's type
     * @param value the option's value, or null when it was not given
     * @param what the option's name, for the message
     * @return {@code value}
     */
    static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must be given");
        }
        return value;
    }

    /**
     * Options set one at a time, checked together by {@link #build()}: an option the loss does not
     * have is an error naming it, never ignored. Unset options take the loss's defaults. The getters
     * give the options as set or defaulted. Not thread-safe.
     */
    final class Builder {
        private final LossKind kind;
        private double temperature = Double.NaN;
        private Selection selection;
        private NegativeSet negatives;
        private double lambda = Double.NaN;
        private Double sigma;
        private Boolean weightGradient;
        private Boolean clampWeight;
        private Boolean rescale;
        private Boolean symmetric;
        private Normalize normalize = Normalize.strict();

        private Builder(LossKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        /**
         * τ (not for simple and hardsimple).
         *
         * @param t τ &gt; 0 and finite
         * @return this builder
         */
        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        /**
         * The hard losses' selection of negatives (required by hard and hardsimple).
         *
         * @param s the selection
         * @return this builder
         */
        public Builder selection(Selection s) {
            if (selection != null && s != null && selection.getClass() != s.getClass()) {
                throw new IllegalArgumentException(kind.cliName() + ": give either top-K or a quantile, not both");
            }
            this.selection = s;
            return this;
        }

        /**
         * Which negatives the hard and simple losses consider.
         *
         * @param set the candidate negatives
         * @return this builder
         */
        public Builder negatives(NegativeSet set) {
            this.negatives = set;
            return this;
        }

        /**
         * λ of simple and hardsimple (NaN: 1/negatives).
         *
         * @param l λ ≥ 0, or NaN for 1/(negatives)
         * @return this builder
         */
        public Builder lambda(double l) {
            this.lambda = l;
            return this;
        }

        /**
         * σ of DCLW's weight.
         *
         * @param s σ &gt; 0
         * @return this builder
         */
        public Builder sigma(double s) {
            this.sigma = s;
            return this;
        }

        /**
         * DCLW: whether the gradient flows through the weight.
         *
         * @param on true to let the gradient flow through the weight
         * @return this builder
         */
        public Builder weightGradient(boolean on) {
            this.weightGradient = on;
            return this;
        }

        /**
         * DCLW: whether the weight is clamped at 0.
         *
         * @param on true to clamp the weight at 0
         * @return this builder
         */
        public Builder clampWeight(boolean on) {
            this.clampWeight = on;
            return this;
        }

        /**
         * SupCon: whether the loss is multiplied by τ.
         *
         * @param on true to multiply the loss by τ
         * @return this builder
         */
        public Builder rescale(boolean on) {
            this.rescale = on;
            return this;
        }

        /**
         * InfoNCE: whether both directions are averaged.
         *
         * @param on true to average both directions
         * @return this builder
         */
        public Builder symmetric(boolean on) {
            this.symmetric = on;
            return this;
        }

        /**
         * How rows are normalised.
         *
         * @param n the normalisation
         * @return this builder
         */
        public Builder normalize(Normalize n) {
            this.normalize = Objects.requireNonNull(n, "normalize");
            return this;
        }

        /**
         * The loss.
         *
         * @return the loss
         */
        public LossKind kind() {
            return kind;
        }

        /**
         * τ as set, else the loss's default (NaN for simple and hardsimple).
         *
         * @return τ as set, else the loss's default (NaN for simple and hardsimple)
         */
        public double temperature() {
            return Double.isNaN(temperature) ? kind.defaultTemperature() : temperature;
        }

        /**
         * The selection, or null.
         *
         * @return the selection, or null
         */
        public Selection selection() {
            return selection;
        }

        /**
         * The negative set (default {@link NegativeSet#ALL}).
         *
         * @return the negative set (default {@link NegativeSet#ALL})
         */
        public NegativeSet negatives() {
            return negatives == null ? NegativeSet.ALL : negatives;
        }

        /**
         * λ (NaN: 1/negatives).
         *
         * @return λ (NaN: 1/negatives)
         */
        public double lambda() {
            return lambda;
        }

        /**
         * σ (default 0.5).
         *
         * @return σ (default 0.5)
         */
        public double sigma() {
            return sigma == null ? 0.5 : sigma;
        }

        /**
         * Whether the gradient flows through DCLW's weight (default false).
         *
         * @return whether the gradient flows through DCLW's weight (default false)
         */
        public boolean weightGradient() {
            return Boolean.TRUE.equals(weightGradient);
        }

        /**
         * Whether DCLW's weight is clamped at 0 (default false).
         *
         * @return whether DCLW's weight is clamped at 0 (default false)
         */
        public boolean clampWeight() {
            return Boolean.TRUE.equals(clampWeight);
        }

        /**
         * Whether SupCon is multiplied by τ (default true).
         *
         * @return whether SupCon is multiplied by τ (default true)
         */
        public boolean rescale() {
            return !Boolean.FALSE.equals(rescale);
        }

        /**
         * Whether InfoNCE averages both directions (default false).
         *
         * @return whether InfoNCE averages both directions (default false)
         */
        public boolean symmetric() {
            return Boolean.TRUE.equals(symmetric);
        }

        /**
         * How rows are normalised (default strict).
         *
         * @return how rows are normalised (default strict)
         */
        public Normalize normalize() {
            return normalize;
        }

        /**
         * The spec.
         *
         * @throws IllegalArgumentException naming the option that the loss does not have, or that is
         *                                  missing or out of range
         * @return the spec
         */
        public LossSpec build() {
            only(!Double.isNaN(temperature), kind.usesTemperature(), "it has no temperature");
            only(selection != null, kind.selectsNegatives(), "top-K and quantile apply to hard and hardsimple only");
            only(negatives != null, kind == LossKind.HARD || kind == LossKind.SIMPLE || kind == LossKind.HARDSIMPLE,
                    "the negative set applies to hard, simple and hardsimple only");
            only(!Double.isNaN(lambda), kind == LossKind.SIMPLE || kind == LossKind.HARDSIMPLE,
                    "lambda applies to simple and hardsimple only");
            only(sigma != null || weightGradient != null || clampWeight != null, kind == LossKind.DCLW,
                    "sigma, the weight gradient and the weight clamp apply to dclw only");
            only(rescale != null, kind == LossKind.SUPCON, "rescale applies to supcon only");
            only(symmetric != null, kind == LossKind.INFONCE, "symmetric applies to infonce only");
            if (kind.selectsNegatives() && selection == null) {
                throw new IllegalArgumentException(kind.cliName() + ": needs a selection of negatives, top-K or a quantile");
            }
            return switch (kind) {
                case NTXENT -> new NtXent(temperature(), normalize);
                case DCL -> new Dcl(temperature(), normalize);
                case DCLW -> new Dclw(temperature(), sigma(), weightGradient(), clampWeight(), normalize);
                case HARD -> new HardContrastive(temperature(), selection, negatives(), normalize);
                case SIMPLE -> new Simple(lambda, negatives(), normalize);
                case HARDSIMPLE -> new HardSimple(selection, lambda, negatives(), normalize);
                case INFONCE -> new InfoNce(temperature(), symmetric(), normalize);
                case SUPCON -> new SupCon(temperature(), rescale(), normalize);
                case CLIP -> new Clip(temperature(), normalize);
            };
        }

        private void only(boolean given, boolean applies, String message) {
            if (given && !applies) {
                throw new IllegalArgumentException(kind.cliName() + ": " + message);
            }
        }
    }
}
