package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * LARS (You, Gitman &amp; Ginsburg 2017) as SimCLR uses it: momentum SGD whose learning rate is
 * multiplied, per parameter tensor, by the trust ratio η·‖w‖ / ‖g‖ with g = ∇ + λ·w. Parameters
 * that do not decay (biases, batch-norm) get neither the weight decay nor the trust ratio.
 * Update: v = μ·v + lr·trust·g, w −= v (Nesterov: w −= μ·v + lr·trust·g). When ‖w‖ or ‖g‖ is 0
 * the trust ratio is 1. Not thread-safe.
 *
 * <p>SimCLR's setting: μ = 0.9, λ = 10⁻⁶, η = 0.001, lr = 0.3 × batch / 256 (or 0.075·√batch).
 */
public final class Lars extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final double trustCoefficient;
    private final boolean nesterov;

    private Lars(Builder b) {
        super(b.parameters, b.requireSchedule());
        if (!(b.momentum >= 0 && b.momentum < 1) || !(b.trustCoefficient > 0)) {
            throw new IllegalArgumentException("LARS needs momentum in [0, 1) and a trust coefficient > 0, got "
                    + b.momentum + " and " + b.trustCoefficient);
        }
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.trustCoefficient = b.trustCoefficient;
        this.nesterov = b.nesterov;
        createBuffers("momentum");
    }

    /**
     * A builder over {@code parameters}: SimCLR's μ = 0.9 and η = 0.001, no weight decay; the learning rate is required.
     *
     * @param parameters the parameters to update, names unique
     * @return this builder
     */
    public static Builder builder(List<Parameter> parameters) {
        return new Builder(parameters);
    }

    @Override
    protected void update(Parameter p, Tensor grad, double learningRate, long t) {
        Tensor value = p.value(), buf = buffer(p, "momentum");
        float[] w = value.array(), g = grad.array(), v = buf.array();
        int wo = value.offset(), go = grad.offset(), n = value.size();
        float wd = p.decays() ? (float) weightDecay : 0f;
        double scaled = learningRate;
        if (p.decays()) {
            double wNorm2 = 0, gNorm2 = 0;
            for (int i = 0; i < n; i++) {
                double gi = g[go + i] + wd * w[wo + i];
                wNorm2 += (double) w[wo + i] * w[wo + i];
                gNorm2 += gi * gi;
            }
            if (wNorm2 > 0 && gNorm2 > 0) {
                scaled *= trustCoefficient * Math.sqrt(wNorm2 / gNorm2);
            }
        }
        float lr = (float) scaled, mu = (float) momentum;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i] + wd * w[wo + i];
            float vi = mu * v[i] + lr * gi;
            v[i] = vi;
            w[wo + i] -= nesterov ? mu * vi + lr * gi : vi;
        }
        buf.markModified();
    }

    /** LARS's settings. Not thread-safe. */
    public static final class Builder extends Optimizer.Builder<Builder> {
        private double momentum = 0.9;
        private double trustCoefficient = 0.001;
        private boolean nesterov;

        private Builder(List<Parameter> parameters) {
            super("LARS", parameters);
        }

        /**
         * μ in [0, 1).
         *
         * @param mu μ in [0, 1)
         * @return this builder
         */
        public Builder momentum(double mu) {
            this.momentum = mu;
            return this;
        }

        /**
         * η &gt; 0.
         *
         * @param eta the trust coefficient η &gt; 0
         * @return this builder
         */
        public Builder trustCoefficient(double eta) {
            this.trustCoefficient = eta;
            return this;
        }

        /**
         * Nesterov momentum.
         *
         * @param on true for Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean on) {
            this.nesterov = on;
            return this;
        }

        @Override
        public Lars build() {
            return new Lars(this);
        }
    }
}
