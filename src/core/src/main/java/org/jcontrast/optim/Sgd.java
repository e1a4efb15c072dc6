package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * Stochastic gradient descent with momentum, optional Nesterov momentum and L2 weight decay, as
 * PyTorch's {@code SGD} (no dampening): g = ∇ + λ·w (λ only where {@link Parameter#decays()}),
 * b = μ·b + g, w −= lr·(nesterov ? g + μ·b : b).
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * @param momentum    μ in [0, 1)
     * @param weightDecay λ ≥ 0
     * @param nesterov    use Nesterov momentum (needs μ &gt; 0)
     */
    public Sgd(List<Parameter> parameters, double momentum, double weightDecay, boolean nesterov) {
        super(parameters);
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("SGD needs momentum in [0, 1) (above 0 for Nesterov) and weight decay "
                    + "≥ 0, got " + momentum + " and " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        createBuffers("momentum");
    }

    @Override
    protected void update(Parameter p, double learningRate, long t) {
        Tensor value = p.value(), grad = p.grad(), buf = buffer(p, "momentum");
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
}
