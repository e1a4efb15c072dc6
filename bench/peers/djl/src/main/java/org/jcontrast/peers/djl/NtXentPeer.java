package org.jcontrast.peers.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;

/** NT-Xent forward + backward on libtorch, timed; checks its loss against float64 first. */
final class NtXentPeer {
    private static final int CHECK_ROWS = 16;
    private static final int CHECK_DIM = 8;

    private NtXentPeer() {
    }

    static void run(Engine engine, int batch, int dim, int threads, double temperature, int warmup, int repeats,
                    double idle) {
        if (batch < 4 || batch % 2 != 0) {
            throw new IllegalArgumentException("--batch must be an even number >= 4 (it is 2N), got " + batch);
        }
        try (NDManager manager = engine.newBaseManager()) {
            selfCheck(engine, manager, temperature);
            NDArray z1 = manager.randomNormal(new Shape(batch / 2, dim));
            NDArray z2 = manager.randomNormal(new Shape(batch / 2, dim));
            NDArray labels = labels(manager, batch);
            PeerReport.timeAndPrint(() -> step(engine, manager, z1, z2, labels, temperature), warmup, repeats, idle,
                    engine.getVersion(), threads, Map.of("batch", batch, "dim", dim));
        }
    }

    /** One forward + backward; the step's arrays are freed when it ends, z1's and z2's gradients kept. */
    private static double step(Engine engine, NDManager manager, NDArray z1, NDArray z2, NDArray labels,
                               double temperature) {
        try (NDManager scope = manager.newSubManager()) {
            z1.setRequiresGradient(true);
            z2.setRequiresGradient(true);
            z1.tempAttach(scope);
            z2.tempAttach(scope);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray loss = NtXent.loss(z1.concat(z2, 0), labels, temperature);
                collector.backward(loss);
                return loss.getFloat();
            }
        }
    }

    /** Row i's positive is the other view of the same sample: i + N, or i - N. */
    private static NDArray labels(NDManager manager, int batch) {
        int n = batch / 2;
        return manager.arange(n, batch, 1, DataType.INT64).concat(manager.arange(0, n, 1, DataType.INT64), 0);
    }

    /** Fails unless the libtorch loss of a small batch equals the float64 reference. */
    private static void selfCheck(Engine engine, NDManager manager, double temperature) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray z = scope.randomNormal(new Shape(CHECK_ROWS, CHECK_DIM));
            NDArray labels = labels(scope, CHECK_ROWS);
            double ours = NtXent.loss(z, labels, temperature).getFloat();
            int[] labelArray = labels.toType(DataType.INT32, false).toIntArray();
            double reference = NtXent.reference(z.toFloatArray(), CHECK_ROWS, CHECK_DIM, labelArray, temperature);
            if (Math.abs(ours - reference) > 1e-5 * Math.max(1, Math.abs(reference))) {
                throw new IllegalStateException("libtorch NT-Xent " + ours + " differs from the float64 reference "
                        + reference);
            }
        }
    }
}
