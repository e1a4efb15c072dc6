package org.jcontrast.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Dcl;
import org.jcontrast.loss.HardContrastive;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.NtXent;
import org.jcontrast.loss.Selection;

/**
 * NT-Xent, DCL and Wang &amp; Liu's hard loss on embeddings that arrive as {@code float[][]} rows, with
 * their gradients: once into new arrays, and once into buffers the caller keeps across batches.
 */
public final class LossesOnArrays {
    private LossesOnArrays() {
    }

    /** The loss of each spec on the pairs, and the norm of its gradient with respect to the first view. */
    public static Map<String, double[]> run(PairedEmbeddings pairs) {
        Map<String, double[]> out = new LinkedHashMap<>();
        float[][] grad1 = new float[pairs.view1().length][PairedEmbeddings.DIM];
        float[][] grad2 = new float[pairs.view2().length][PairedEmbeddings.DIM];
        for (LossSpec spec : List.of(new NtXent(0.2), new Dcl(0.2), new HardContrastive(0.2, Selection.topK(16)))) {
            Loss loss = Losses.create(spec);
            LossResult r = loss.compute(pairs.view1(), pairs.view2());
            double again = loss.computeInto(pairs.view1(), pairs.view2(), grad1, grad2, BatchInputs.none());
            out.put(spec.describe(), new double[] {r.loss(), norm(r.grad1Rows()), again, norm(grad1)});
        }
        return out;
    }

    private static double norm(float[][] rows) {
        double s = 0;
        for (float[] row : rows) {
            for (float v : row) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** Prints the losses of 256 synthetic pairs. */
    public static void main(String[] args) {
        run(PairedEmbeddings.generate(256, 1)).forEach((name, v) -> System.out.printf(
                "%-28s loss %.4f  ‖∂L/∂z1‖ %.4f%n", name, v[0], v[1]));
    }
}
