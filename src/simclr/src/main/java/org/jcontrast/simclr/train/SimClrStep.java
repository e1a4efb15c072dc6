package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.nn.Weight;
import org.jcontrast.optim.Optimizer;
import org.jcontrast.optim.Parameter;
import org.jcontrast.simclr.train.SimClrModel;
import org.jcontrast.tensor.Tensor;

/**
 * One SimCLR optimisation step on a batch of two views: embed both views in one pass through
 * encoder and head, compute the loss and its gradients with respect to the two embeddings,
 * back-propagate them through the network and update the weights. The training loop feeds it
 * augmented batches; {@code jcontrast bench step} times it on a fixed one.
 */
public final class SimClrStep {
    private final SimClrModel model;
    private final StepLoss loss;
    private final Optimizer optimizer;
    private Tensor seedGradient;

    /**
     * The network, loss and optimiser of {@code config} for images of {@code pixels} values, with
     * initial weights from its seed.
     *
     * @param losses how a loss spec becomes a loss
     */
    public SimClrStep(TrainConfig config, int pixels, Function<LossSpec, Loss> losses) {
        this.model = config.model(pixels).build(config.seed());
        this.loss = new StepLoss(config.loss(), losses, config.bankSize(), config.projectionDim(), config.seed());
        List<Parameter> params = new ArrayList<>(model.parameters());
        loss.weights().forEach(w -> params.add(w.parameter()));
        this.optimizer = config.optimizer().create(params, config.momentum(), config.weightDecay());
    }

    /** The network. */
    public SimClrModel model() {
        return model;
    }

    /**
     * One step on {@code views}, whose first half of rows holds the first view of each image and
     * the second half the second, with learning rate {@code learningRate}; {@code labels} (one per
     * image) are read by SupCon only. Returns the loss before the update.
     */
    public double run(Tensor views, int[] labels, double learningRate) {
        views.requireRank(2, "a SimCLR step");
        int n = views.dim(0) / 2;
        Variable z = model.embed(views);
        Tensor zv = z.value();
        LossResult r = loss.compute(zv.rows(0, n), zv.rows(n, 2 * n), labels);
        if (!Double.isFinite(r.loss())) {
            throw new IllegalStateException("the loss is " + r.loss() + " at step " + optimizer.steps()
                    + "; lower the learning rate or check the loss options");
        }
        if (seedGradient == null || !seedGradient.sameShape(zv)) {
            seedGradient = Tensor.zeros(zv.shape());
        }
        seedGradient.rows(0, n).copyFrom(r.grad1());
        seedGradient.rows(n, 2 * n).copyFrom(r.grad2());
        z.backward(seedGradient);
        model.takeGradients();
        optimizer.step(learningRate);
        loss.afterStep();
        return r.loss();
    }

    /**
     * The live tensors of the model, the loss's weights and the optimiser by name: saving them and
     * copying them back later resumes the run.
     */
    Map<String, Tensor> liveState() {
        Map<String, Tensor> out = new LinkedHashMap<>(model.state());
        for (Weight w : loss.weights()) {
            out.put(w.name(), w.value());
        }
        out.putAll(optimizer.state());
        return out;
    }

    /** The loss's queue of negatives (a copy; InfoNCE only, else empty). */
    Map<String, Tensor> queueState() {
        return loss.state();
    }

    /** Puts back {@link #queueState()} as saved after {@code steps} steps of {@code batch} images. */
    void restoreQueue(Map<String, Tensor> saved, long steps, int batch) {
        loss.restore(saved, steps, batch);
    }
}
