package org.jcontrast.simclr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcontrast.Engine;
import org.jcontrast.Simd;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.optim.LearningRateSchedule;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Training steps (linear layers, batch norm, ReLU, NT-Xent, AdamW) give the same bits at every
 * vector width this CPU has, for one thread count: so that {@code ./jcontrast train} prints the same
 * numbers on an AVX2 and an AVX-512 machine.
 */
class SimClrStepBitsTest {
    private static final int PIXELS = 37;
    private static final int BATCH = 21;

    @Test
    void stepsHaveTheSameBitsAtEveryVectorWidth() {
        List<Integer> widths = KernelProvider.vectorWidths();
        assertTrue(widths.size() >= 2, "at least two vector widths to compare, got " + widths);
        Tensor views = Tensor.uniform(new SplittableRandom(5), 0, 1, 2 * BATCH, PIXELS);
        Run first = null;
        for (int bits : widths) {
            try (Engine engine = Engine.builder().simd(Simd.VECTOR).vectorSize(bits).threads(2).build()) {
                Run got = engine.call(() -> train(views));
                String where = engine.describe();
                if (first == null) {
                    first = got;
                    continue;
                }
                for (int s = 0; s < got.losses.length; s++) {
                    assertEquals(Double.doubleToRawLongBits(first.losses[s]), Double.doubleToRawLongBits(got.losses[s]),
                            where + ": loss of step " + s + ", " + got.losses[s] + " against " + first.losses[s]);
                }
                for (Map.Entry<String, Tensor> e : first.state.entrySet()) {
                    float[] want = e.getValue().toArray(), have = got.state.get(e.getKey()).toArray();
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(have[i]),
                                where + ": " + e.getKey() + "[" + i + "] is " + have[i] + " against " + want[i]);
                    }
                }
            }
        }
    }

    private static Run train(Tensor views) {
        TrainConfig config = TrainConfig.builder().batchSize(BATCH).build();
        SimClrStep step = new SimClrStep(config, PIXELS, Trainer.DEFAULT_LOSSES,
                LearningRateSchedule.constant(config.learningRate()));
        double[] losses = new double[3];
        for (int s = 0; s < losses.length; s++) {
            losses[s] = step.run(views, new int[BATCH]);
        }
        return new Run(losses, step.liveState());
    }

    private record Run(double[] losses, Map<String, Tensor> state) {
    }
}
