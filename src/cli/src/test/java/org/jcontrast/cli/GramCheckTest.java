package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GramCheckTest {
    private static final int M = 40;
    private static final int K = 24;

    @Test
    void aFloatProductIsWithinRounding() {
        float[] a = randomMatrix();
        double error = GramCheck.maxRelativeError(a, M, K, floatGram(a));
        assertTrue(error <= K * 0x1p-24, "error " + error);
    }

    @Test
    void aWrongEntryInASampledRowIsCaught() {
        float[] a = randomMatrix();
        float[] c = floatGram(a);
        c[(M - 1) * M + 3] += 1e-3f; // row M−1 is always sampled
        assertTrue(GramCheck.maxRelativeError(a, M, K, c) > 1e-5);
    }

    private static float[] randomMatrix() {
        SplittableRandom random = new SplittableRandom(7);
        float[] a = new float[M * K];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static float[] floatGram(float[] a) {
        float[] c = new float[M * M];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < M; j++) {
                float sum = 0;
                for (int p = 0; p < K; p++) {
                    sum += a[i * K + p] * a[j * K + p];
                }
                c[i * M + j] = sum;
            }
        }
        return c;
    }
}
