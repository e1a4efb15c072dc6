package org.jcontrast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.Selection;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The generators give what their options promise. */
class EmbeddingsTest {

    private static double norm(Tensor z, int i) {
        double s = 0;
        for (int j = 0; j < z.dim(1); j++) {
            s += (double) z.get(i, j) * z.get(i, j);
        }
        return Math.sqrt(s);
    }

    @Test
    void shapesAndNormsStayInTheirRanges() {
        Property.forAll("shapes and norms", 50, g -> {
            Embeddings.Views v = Embeddings.views().rows(3, 7).width(2, 5).norms(0.5, 2).draw(g);
            assertTrue(v.n() >= 3 && v.n() <= 7 && v.d() >= 2 && v.d() <= 5, v.n() + "x" + v.d());
            for (int i = 0; i < v.n(); i++) {
                assertTrue(norm(v.z1(), i) > 0.5 - 1e-6 && norm(v.z1(), i) < 2 + 1e-6, "row norm " + norm(v.z1(), i));
            }
        });
    }

    @Test
    void belowEpsRowsStayClearOfTheKinkAndSomeAreZero() {
        int[] zeros = {0};
        Property.forAll("below eps", 50, g -> {
            Embeddings.Views v = Embeddings.views().belowEps(0.5f).draw(g);
            for (Tensor z : new Tensor[] {v.z1(), v.z2()}) {
                for (int i = 0; i < v.n(); i++) {
                    double r = norm(z, i) / 0.5;
                    assertTrue(r < 0.8 + 1e-6 || r > 1.2 - 1e-6, "norm / eps = " + r);
                    zeros[0] += r == 0 ? 1 : 0;
                }
            }
        });
        assertTrue(zeros[0] >= 10, "zero rows drawn: " + zeros[0]);
    }

    @Test
    void nearDuplicatesAreNear() {
        Embeddings.Views v = Embeddings.views().rows(5, 5).unitRows().nearDuplicateViews(1e-3).nearDuplicateRows(1e-3)
                .draw(Gen.of(9));
        double[][] s = Similarities.cosine(v.z1(), v.z2());
        for (int i = 0; i < 5; i++) {
            assertTrue(s[i][i + 5] > 1 - 1e-4, "view pair " + i + ": " + s[i][i + 5]);
        }
        assertTrue(s[0][1] > 1 - 1e-4, "rows 0 and 1 of view 1: " + s[0][1]);
        assertEquals(1, norm(v.z2(), 3), 1e-6);
    }

    @Test
    void separatedBatchesHaveAGapAtTheSelectionsBoundary() {
        Selection top2 = Selection.topK(2);
        Property.forAll("separated", 30, g -> {
            Embeddings.Views v = Embeddings.views().rows(3, 5).width(3, 4).separatedAt(top2, NegativeSet.ALL, 0.05)
                    .draw(g);
            double[][] s = Similarities.cosine(v.z1(), v.z2());
            for (int a = 0; a < 2 * v.n(); a++) {
                double[] neg = Similarities.negatives(s, a, v.n(), NegativeSet.ALL);
                Arrays.sort(neg);
                int m = neg.length;
                assertTrue(neg[m - 2] - neg[m - 3] >= 0.05, "anchor " + a + ": " + Arrays.toString(neg));
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Embeddings.views().rows(8, 8)
                .width(1, 1).separatedAt(Selection.topK(3), NegativeSet.ALL, 0.5).draw(Gen.of(1)));
        assertTrue(e.getMessage().contains("lower the gap"), e.getMessage());
    }

    @Test
    void temperaturesSpanTheExtremes() {
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        Gen g = Gen.of(5);
        for (int i = 0; i < 500; i++) {
            double t = Embeddings.temperature(g);
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        assertTrue(lo >= 0.02 && lo < 0.03 && hi <= 50 && hi > 30, lo + " .. " + hi);
    }
}
