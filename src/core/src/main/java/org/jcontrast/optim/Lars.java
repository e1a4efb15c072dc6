package org.jcontrast.optim;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * LARS (You, Gitman &amp; Ginsburg 2017) as SimCLR uses it: momentum SGD whose learning rate is
 * multiplied, per parameter tensor, by the trust ratio η·‖w‖ / ‖g‖ with g = ∇ + λ·w. Parameters
 * that do not decay (biases, batch-norm) get neither the weight decay nor the trust ratio.
 * Update: v = μ·v + lr·trust·g, w −= v (Nesterov: w −= μ·v + lr·trust·g). When ‖w‖ or ‖g‖ is 0
 * the trust ratio is 1.
 *
 * <p>SimCLR's setting: μ = 0.9, λ = 10⁻⁶, η = 0.001, lr = 0.3 × batch / 256 (or 0.075·√batch).
 */
public final class Lars extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final double trustCoefficient;
    private final boolean nesterov;

    /**
     * @param momentum         μ in [0, 1)
     * @param weightDecay      λ ≥ 0
     * @param trustCoefficient η &gt; 0
     * @param nesterov         use Nesterov momentum
     */
    public Lars(List<Parameter> parameters, double momentum, double weightDecay, double trustCoefficient,
                boolean nesterov) {
        super(parameters);
        if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0) || !(trustCoefficient > 0)) {
            throw new IllegalArgumentException("LARS needs momentum in [0, 1), weight decay ≥ 0 and a trust "
                    + "coefficient > 0, got " + momentum + ", " + weightDecay + ", " + trustCoefficient);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.trustCoefficient = trustCoefficient;
        this.nesterov = nesterov;
        createBuffers("momentum");
    }

    @Override
    protected void update(Parameter p, double learningRate, long t) {
        Tensor value = p.value(), grad = p.grad(), buf = buffer(p, "momentum");
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
}
