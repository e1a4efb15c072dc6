package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcontrast.autograd.Layout;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.optim.LearningRateSchedule;
import org.jcontrast.optim.Optimizer;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * One SimCLR optimisation step on a batch of two views: embed both views in one pass through
 * encoder and head, take the loss of the two halves as one autograd operation, back-propagate
 * through the network and update the weights. The training loop feeds it augmented batches;
 * {@code jcontrast bench step} times it on a fixed one. Not thread-safe.
 */
public final class SimClrStep {
    private final SimClrModel model;
    private final StepLoss loss;
    private final Optimizer optimizer;

    /**
     * The network, loss and optimiser of {@code config} for images of {@code pixels} values, with
     * initial weights from its seed.
     *
     * @param config the run's configuration
     * @param pixels the values per image
     * @param losses   how a loss spec becomes a loss
     * @param schedule the learning rate of each step
     */
    public SimClrStep(TrainConfig config, int pixels, Function<LossSpec, Loss> losses, LearningRateSchedule schedule) {
        this.model = config.model(pixels).build(config.seed());
        this.loss = new StepLoss(config.loss(), losses, config.bankSize(), config.projectionDim(), config.seed());
        List<Parameter> params = new ArrayList<>(model.parameters());
        params.addAll(loss.parameters());
        this.optimizer = config.optimizer().create(params, config.momentum(), config.weightDecay(), schedule);
    }

    /**
     * The network.
     *
     * @return the network
     */
    public SimClrModel model() {
        return model;
    }

    /**
     * One step on {@code views}, whose first half of rows holds the first view of each image and
     * the second half the second; {@code labels} (one per image) are read by SupCon only. Returns
     * the loss before the update.
     *
     * @param views the two views stacked, [2B, pixels]
     * @param labels one label per image, B values
     * @return the loss before the update
     * @throws NonFiniteStepException when the embeddings, the loss, the gradients or the updated weights are not
     *         finite (the weights are then unusable)
     */
    public double run(Tensor views, int[] labels) {
        // One task of the engine's pool: its hundred short parallel sections then fork from a worker.
        return Parallel.inPool(() -> runInPool(views, labels));
    }

    private double runInPool(Tensor views, int[] labels) {
        views.requireRank(2, "a SimCLR step");
        int n = views.dim(0) / 2;
        Variable z = model.embed(views);
        float badEmbedding = NonFinite.first(z.value());
        if (!Float.isFinite(badEmbedding)) {
            throw new NonFiniteStepException("the embeddings hold " + badEmbedding);
        }
        Variable value = loss.apply(Layout.sliceRows(z, 0, n), Layout.sliceRows(z, n, 2 * n), labels);
        double result = value.value().item();
        if (!Double.isFinite(result)) {
            throw new NonFiniteStepException("the loss is " + result);
        }
        value.backward();
        String badGradient = NonFinite.find(gradients());
        if (badGradient != null) {
            throw new NonFiniteStepException("the gradients hold " + badGradient);
        }
        optimizer.step();
        loss.afterStep();
        String badWeight = NonFinite.find(liveState());
        if (badWeight != null) {
            throw new NonFiniteStepException("the update left " + badWeight);
        }
        return result;
    }

    private Map<String, Tensor> gradients() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : optimizer.parameters()) {
            if (p.grad() != null) {
                out.put(p.name(), p.grad());
            }
        }
        return out;
    }

    /** A step met a value that is NaN or infinite; the message says which. */
    public static final class NonFiniteStepException extends IllegalStateException {
        NonFiniteStepException(String what) {
            super(what);
        }
    }

    /**
     * The live tensors of the model, the loss's parameters and the optimiser by name: saving them and
     * copying them back later resumes the run.
     */
    Map<String, Tensor> liveState() {
        Map<String, Tensor> out = new LinkedHashMap<>(model.state());
        for (Parameter p : loss.parameters()) {
            out.put(p.name(), p.value());
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
