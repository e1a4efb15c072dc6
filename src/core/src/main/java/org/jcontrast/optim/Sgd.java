package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, optional Nesterov momentum and L2 weight decay, as
 * PyTorch's {@code SGD} (no dampening): g = ∇ + λ·w (λ only where {@link Parameter#decays()}),
 * b = μ·b + g, w −= lr·(nesterov ? g + μ·b : b). Not thread-safe.
 *
 * <pre>{@code Optimizer sgd = Sgd.builder(model.parameters()).learningRate(0.1).momentum(0.9).build();}</pre>
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;

    private Sgd(Builder b) {
        super(b.parameters, b.requireSchedule());
        if (!(b.momentum >= 0 && b.momentum < 1) || (b.nesterov && b.momentum == 0)) {
            throw new IllegalArgumentException("SGD needs momentum in [0, 1) (above 0 for Nesterov), got " + b.momentum);
        }
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.nesterov = b.nesterov;
        createBuffers("momentum");
    }

    /**
     * A builder over {@code parameters}: momentum 0, no weight decay, no Nesterov; the learning rate is required.
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
        float[] w = value.array(), g = grad.array(), b = buf.array();
        int wo = value.offset(), go = grad.offset(), n = value.size();
        float lr = (float) learningRate, mu = (float) momentum, wd = p.decays() ? (float) weightDecay : 0f;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i] + wd * w[wo + i];
            float bi = mu * b[i] + gi;
            b[i] = bi;
            w[wo + i] -= lr * (nesterov ? gi + mu * bi : bi);
        }
        buf.markModified();
    }

    /** SGD's settings. Not thread-safe. */
    public static final class Builder extends Optimizer.Builder<Builder> {
        private double momentum;
        private boolean nesterov;

        private Builder(List<Parameter> parameters) {
            super("SGD", parameters);
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
         * Nesterov momentum (needs μ &gt; 0).
         *
         * @param on true for Nesterov momentum
         * @return this builder
         */
        public Builder nesterov(boolean on) {
            this.nesterov = on;
            return this;
        }

        @Override
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
