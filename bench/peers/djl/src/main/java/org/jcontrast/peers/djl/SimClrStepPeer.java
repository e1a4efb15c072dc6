package org.jcontrast.peers.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One SimCLR training step on libtorch, timed: simclr_step_torch.py's network (encoder 784→512→256
 * and head 256→256→128, each hidden Linear without bias followed by batch norm and ReLU, the last
 * Linear with a bias), NT-Xent over the 2N views as one batch, AdamW (lr 1e-3, β = (0.9, 0.999),
 * weight decay 1e-4 on the weight matrices only), on a fixed batch of random pixels. A step is
 * zero-grad, forward, loss, backward and the optimiser's update. Written with libtorch's functional
 * ops so that nothing but the step itself is timed.
 */
final class SimClrStepPeer {
    private static final int[] WIDTHS = {784, 512, 256, 256, 128};
    private static final float LEARNING_RATE = 1e-3f;

    private SimClrStepPeer() {
    }

    static void run(Engine engine, int batch, int threads, double temperature, int warmup, int repeats,
                    double idle) {
        if (batch < 2) {
            throw new IllegalArgumentException("--batch must be at least 2, got " + batch);
        }
        try (NDManager manager = engine.newBaseManager()) {
            Network network = new Network(manager);
            Optimizer decayed = adamW(1e-4f);
            Optimizer plain = adamW(0f);
            NDArray x = manager.randomUniform(0, 1, new Shape(2L * batch, WIDTHS[0]));
            NDArray labels = manager.arange(batch, 2 * batch, 1, DataType.INT64)
                    .concat(manager.arange(0, batch, 1, DataType.INT64), 0);
            PeerReport.timeAndPrint(() -> {
                try (NDManager scope = manager.newSubManager();
                     GradientCollector collector = engine.newGradientCollector()) {
                    collector.zeroGradients();
                    x.tempAttach(scope);
                    NDArray loss = NtXent.loss(network.forward(x), labels, temperature);
                    collector.backward(loss);
                    network.update(decayed, plain);
                    return loss.getFloat();
                }
            }, warmup, repeats, idle, engine.getVersion(), threads, Map.of("batch", batch));
        }
    }

    private static Optimizer adamW(float weightDecay) {
        return Optimizer.adamW().optLearningRateTracker(Tracker.fixed(LEARNING_RATE)).optBeta1(0.9f)
                .optBeta2(0.999f).optEpsilon(1e-8f).optWeightDecays(weightDecay).build();
    }

    /** The parameters (with gradients) and batch-norm running statistics of the four layers. */
    private static final class Network {
        private final List<NDArray> weights = new ArrayList<>();
        private final List<NDArray> vectors = new ArrayList<>();
        private final List<NDArray[]> norms = new ArrayList<>();
        private final NDArray lastBias;

        Network(NDManager manager) {
            for (int layer = 0; layer + 1 < WIDTHS.length; layer++) {
                int in = WIDTHS[layer];
                int out = WIDTHS[layer + 1];
                float bound = (float) (1 / Math.sqrt(in));
                weights.add(trainable(manager.randomUniform(-bound, bound, new Shape(out, in))));
                if (layer + 2 < WIDTHS.length) {
                    NDArray gamma = trainable(manager.ones(new Shape(out)));
                    NDArray beta = trainable(manager.zeros(new Shape(out)));
                    vectors.add(gamma);
                    vectors.add(beta);
                    norms.add(new NDArray[] {gamma, beta, manager.zeros(new Shape(out)), manager.ones(new Shape(out))});
                }
            }
            lastBias = trainable(manager.zeros(new Shape(WIDTHS[WIDTHS.length - 1])));
            vectors.add(lastBias);
        }

        private static NDArray trainable(NDArray a) {
            a.setRequiresGradient(true);
            return a;
        }

        NDArray forward(NDArray x) {
            NDArray h = x;
            for (int layer = 0; layer < norms.size(); layer++) {
                NDArray[] n = norms.get(layer);
                h = Linear.linear(h, weights.get(layer)).singletonOrThrow();
                h = BatchNorm.batchNorm(h, n[2], n[3], n[0], n[1], 1, 0.9f, 1e-5f, true).singletonOrThrow();
                h = h.getNDArrayInternal().relu();
            }
            return Linear.linear(h, weights.get(weights.size() - 1), lastBias).singletonOrThrow();
        }

        void update(Optimizer decayed, Optimizer plain) {
            for (int i = 0; i < weights.size(); i++) {
                step(decayed, "w" + i, weights.get(i));
            }
            for (int i = 0; i < vectors.size(); i++) {
                step(plain, "v" + i, vectors.get(i));
            }
        }

        private static void step(Optimizer optimizer, String id, NDArray parameter) {
            try (NDArray gradient = parameter.getGradient()) {
                optimizer.update(id, parameter, gradient);
            }
        }
    }
}
