package org.jcontrast.examples;

import java.util.SplittableRandom;

/**
 * Synthetic frozen embeddings of paired items, standing in for the output of an encoder a service
 * already has: two views of each item share a latent code, mixed into 64 dimensions, but each view
 * also carries a stronger nuisance of its own, so the raw views retrieve each other poorly.
 *
 * @param view1 the first view of each item, [items][64]
 * @param view2 the second view, row for row
 */
public record PairedEmbeddings(float[][] view1, float[][] view2) {
    /** Width of the embeddings. */
    public static final int DIM = 64;
    private static final int LATENT = 16;
    private static final float NUISANCE = 2.5f;

    /** {@code items} pairs, reproducible from {@code seed} (the mixings are fixed by the seed too). */
    public static PairedEmbeddings generate(int items, long seed) {
        SplittableRandom mixing = new SplittableRandom(seed);
        float[][] shared = gaussian(mixing, LATENT, DIM);
        float[][] nuisance1 = gaussian(mixing, LATENT, DIM), nuisance2 = gaussian(mixing, LATENT, DIM);
        SplittableRandom draws = new SplittableRandom(seed ^ 0x5eedL);
        float[][] v1 = new float[items][], v2 = new float[items][];
        for (int i = 0; i < items; i++) {
            float[] code = gaussian(draws, 1, LATENT)[0];
            v1[i] = mix(code, shared, gaussian(draws, 1, LATENT)[0], nuisance1);
            v2[i] = mix(code, shared, gaussian(draws, 1, LATENT)[0], nuisance2);
        }
        return new PairedEmbeddings(v1, v2);
    }

    /** Rows {@code [from, to)} of both views. */
    public PairedEmbeddings slice(int from, int to) {
        return new PairedEmbeddings(java.util.Arrays.copyOfRange(view1, from, to),
                java.util.Arrays.copyOfRange(view2, from, to));
    }

    private static float[] mix(float[] code, float[][] shared, float[] own, float[][] nuisance) {
        float[] out = new float[DIM];
        for (int k = 0; k < LATENT; k++) {
            for (int j = 0; j < DIM; j++) {
                out[j] += code[k] * shared[k][j] + NUISANCE * own[k] * nuisance[k][j];
            }
        }
        return out;
    }

    private static float[][] gaussian(SplittableRandom random, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) gaussian(random);
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble(), v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
