package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), as PyTorch's {@code AdamW}:
 * w −= lr·λ·w (only where {@link Parameter#decays()}), m = β₁·m + (1 − β₁)·g,
 * v = β₂·v + (1 − β₂)·g², w −= lr·m̂ / (√v̂ + ε) with the bias corrections m̂ = m / (1 − β₁ᵗ),
 * v̂ = v / (1 − β₂ᵗ).
 */
public final class AdamW extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;

    /** β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸ and the given decay, PyTorch's defaults apart from λ. */
    public AdamW(List<Parameter> parameters, double weightDecay) {
        this(parameters, 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * @param beta1       β₁ in [0, 1)
     * @param beta2       β₂ in [0, 1)
     * @param epsilon     ε &gt; 0
     * @param weightDecay λ ≥ 0
     */
    public AdamW(List<Parameter> parameters, double beta1, double beta2, double epsilon, double weightDecay) {
        super(parameters);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW needs β₁, β₂ in [0, 1), ε > 0 and weight decay ≥ 0, got "
                    + beta1 + ", " + beta2 + ", " + epsilon + ", " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        createBuffers("adam_m", "adam_v");
    }

    @Override
    protected void update(Parameter p, double learningRate, long t) {
        Tensor value = p.value(), grad = p.grad(), mBuf = buffer(p, "adam_m"), vBuf = buffer(p, "adam_v");
        float[] w = value.array(), g = grad.array(), m = mBuf.array(), v = vBuf.array();
        int wo = value.offset(), go = grad.offset(), n = value.size();
        float keep = p.decays() ? (float) (1 - learningRate * weightDecay) : 1f;
        float b1 = (float) beta1, b2 = (float) beta2;
        float stepSize = (float) (learningRate / (1 - Math.pow(beta1, t)));
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
        float eps = (float) epsilon;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            float mi = b1 * m[i] + (1 - b1) * gi;
            float vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            w[wo + i] = keep * w[wo + i] - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps);
        }
        mBuf.markModified();
        vBuf.markModified();
    }
}
