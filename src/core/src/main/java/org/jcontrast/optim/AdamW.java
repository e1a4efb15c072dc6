package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.AdamCoefficients;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), as PyTorch's {@code AdamW}:
 * w −= lr·λ·w (only where {@link Parameter#decays()}), m = β₁·m + (1 − β₁)·g,
 * v = β₂·v + (1 − β₂)·g², w −= lr·m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ),
 * v̂ = v / (1 − β₂ᵗ). Not thread-safe.
 *
 * <pre>{@code Optimizer adam = AdamW.builder(head.parameters()).learningRate(1e-3).weightDecay(1e-4).build();}</pre>
 */
public final class AdamW extends Optimizer {
    /** Weights per parallel chunk of an update. */
    private static final int UPDATE_GRAIN = 1 << 15;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;

    private AdamW(Builder b) {
        super(b.parameters, b.requireSchedule());
        if (!(b.beta1 >= 0 && b.beta1 < 1) || !(b.beta2 >= 0 && b.beta2 < 1) || !(b.epsilon > 0)) {
            throw new IllegalArgumentException("AdamW needs β₁, β₂ in [0, 1) and ε > 0, got " + b.beta1 + ", "
                    + b.beta2 + ", " + b.epsilon);
        }
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.weightDecay = b.weightDecay;
        createBuffers("adam_m", "adam_v");
    }

    /**
     * A builder over {@code parameters} with PyTorch's defaults β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸, but no
     * weight decay unless given (PyTorch's is 0.01); the learning rate is required.
     *
     * @param parameters the parameters to update, in order, names unique
     * @return this builder
     */
    public static Builder builder(List<Parameter> parameters) {
        return new Builder(parameters);
    }

    @Override
    protected void update(Parameter p, Tensor grad, double learningRate, long t) {
        Tensor value = p.value(), mBuf = buffer(p, "adam_m"), vBuf = buffer(p, "adam_v");
        float[] w = value.array(), g = grad.array(), m = mBuf.array(), v = vBuf.array();
        int wo = value.offset(), go = grad.offset(), mo = mBuf.offset(), vo = vBuf.offset();
        AdamCoefficients c = new AdamCoefficients(
                p.decays() ? (float) (1 - learningRate * weightDecay) : 1f, (float) beta1, (float) beta2,
                (float) (learningRate / (1 - Math.pow(beta1, t))), (float) (1 / Math.sqrt(1 - Math.pow(beta2, t))),
                (float) epsilon);
        Parallel.forRange(value.size(), UPDATE_GRAIN, (from, to) -> Context.current().kernels().array()
                .adamW(c, w, wo + from, g, go + from, m, mo + from, v, vo + from, to - from));
        mBuf.markModified();
        vBuf.markModified();
    }

    /** AdamW's settings. Not thread-safe. */
    public static final class Builder extends Optimizer.Builder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;

        private Builder(List<Parameter> parameters) {
            super("AdamW", parameters);
        }

        /**
         * β₁ and β₂ in [0, 1).
         *
         * @param b1 β₁ in [0, 1)
         * @param b2 β₂ in [0, 1)
         * @return this builder
         */
        public Builder betas(double b1, double b2) {
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        /**
         * ε &gt; 0.
         *
         * @param e ε &gt; 0
         * @return this builder
         */
        public Builder epsilon(double e) {
            this.epsilon = e;
            return this;
        }

        @Override
        public AdamW build() {
            return new AdamW(this);
        }
    }
}
