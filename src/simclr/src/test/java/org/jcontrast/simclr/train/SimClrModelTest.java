package org.jcontrast.simclr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SimClrModelTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(11);

    private static Tensor normal(int rows, int cols) {
        return Tensor.randn(RANDOM, rows, cols);
    }

    @Test
    void aModelIsDeterminedByItsSeedAndRepresentsInEvaluationMode() {
        ModelSpec spec = new ModelSpec(6, List.of(5, 4), 3, 2, true);
        SimClrModel a = spec.build(3), b = spec.build(3), c = spec.build(4);
        assertEquals(List.of("encoder.0.weight", "encoder.0.bn.gamma", "encoder.0.bn.beta", "encoder.1.weight",
                "encoder.1.bn.gamma", "encoder.1.bn.beta", "head.0.weight", "head.0.bn.gamma", "head.0.bn.beta",
                "head.1.weight", "head.1.bias", "encoder.0.bn.running_mean", "encoder.0.bn.running_var",
                "encoder.1.bn.running_mean", "encoder.1.bn.running_var", "head.0.bn.running_mean",
                "head.0.bn.running_var"), List.copyOf(a.state().keySet()));
        assertArrayEquals(a.state().get("head.1.weight").toArray(), b.state().get("head.1.weight").toArray());
        assertNotEquals(a.state().get("head.1.weight").get(0), c.state().get("head.1.weight").get(0));
        assertEquals(6 * 5 + 5 * 4 + 4 * 3 + 3 * 2 + 2 + 2 * (5 + 4 + 3), a.parameterCount());
        Tensor images = normal(2500, 6);
        Tensor h = a.represent(images);
        assertArrayEquals(new int[] {2500, 4}, h.shape());
        // Evaluation mode: each row's representation depends on that row alone.
        Tensor one = a.represent(images.rows(2400, 2401));
        assertArrayEquals(h.row(2400).toArray(), one.row(0).toArray(), 1e-6f);
        assertArrayEquals(new int[] {7, 2}, a.embed(normal(7, 6)).value().shape());
        assertEquals(List.of(true, false, false, true, false, false, true, false, false, true, false),
                a.parameters().stream().map(p -> p.decays()).toList(), "only weight matrices decay");
    }
}
