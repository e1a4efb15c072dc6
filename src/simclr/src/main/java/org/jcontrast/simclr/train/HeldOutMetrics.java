package org.jcontrast.simclr.train;

import org.jcontrast.loss.LossKind;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.metrics.Moments;
import org.jcontrast.metrics.PairMetrics;
import org.jcontrast.simclr.augment.ViewPipeline;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.train.SimClrModel;
import org.jcontrast.tensor.Tensor;

/**
 * The papers' measures of the embeddings g(f(x)) (what the loss sees) on held-out images, with
 * the network frozen: Wang &amp; Isola's uniformity on the images themselves, Wang &amp; Liu's
 * tolerance over the images' classes, and, on two augmented views of each image (drawn as in
 * training, from the run's seed), Wang &amp; Isola's alignment, the per-anchor similarities to
 * the positive and the top-10 negatives among all held-out views, and, over batches of the
 * run's batch size as the loss saw them, DCL's NPC multipliers and the InfoNCE bound.
 * <p>Immutable and thread-safe.
 *
 * @param uniformity   log mean exp(−2‖ẑ_i − ẑ_j‖²); lower is more uniform
 * @param tolerance    mean cosine similarity of same-class pairs
 * @param alignment    mean ‖ẑ1 − ẑ2‖² of positive pairs
 * @param pairs        the per-anchor statistics of the two views of every held-out image
 * @param npc          mean and spread of NT-Xent's NPC multipliers within batches of the run's size
 * @param infoNceBound the InfoNCE bound log(2B − 1) − NT-Xent, averaged over batches of the run's size B
 */
public record HeldOutMetrics(double uniformity, double tolerance, double alignment, PairMetrics pairs, Moments npc,
                             double infoNceBound) {
    /** The epoch coordinate of the held-out views' random streams: never a training epoch. */
    private static final int VIEWS_EPOCH = -1;

    /**
     * Measures {@code model} on {@code images} with the views and batch size of {@code config};
     * the NPC multipliers and the bound use its τ (NT-Xent's default for the losses without one).
     *
     * @param model the network, read in evaluation mode
     * @param images the held-out images
     * @param config the run's configuration
     * @return the metrics
     */
    public static HeldOutMetrics measure(SimClrModel model, Dataset images, TrainConfig config) {
        Tensor z = model.project(images.images());
        int n = images.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        Tensor views = Tensor.zeros(2 * n, images.pixels());
        ViewPipeline.ofStrength(config.viewStrength()).views(images, all, config.seed(), VIEWS_EPOCH,
                views.rows(0, n), views.rows(n, 2 * n));
        Tensor zv = model.project(views);
        Tensor z1 = zv.rows(0, n), z2 = zv.rows(n, 2 * n);
        double tau = config.loss().kind().usesTemperature() ? config.loss().temperature()
                : LossKind.NTXENT.defaultTemperature();

        // Batches of the training size, as the loss saw them (the last, incomplete one left out).
        int batch = Math.min(config.batchSize(), n), batches = n / batch;
        double[] npc = new double[2 * batch * batches];
        double bound = 0;
        for (int b = 0; b < batches; b++) {
            PairMetrics p = Metrics.pairs(z1.rows(b * batch, (b + 1) * batch), z2.rows(b * batch, (b + 1) * batch),
                    tau);
            System.arraycopy(p.npcMultiplier(), 0, npc, 2 * batch * b, 2 * batch);
            bound += p.infoNceBound() / batches;
        }
        return new HeldOutMetrics(Metrics.uniformity(z, Metrics.UNIFORMITY_T), Metrics.tolerance(z, images.labels()),
                Metrics.alignment(z1, z2), Metrics.pairs(z1, z2, tau), Moments.of(npc), bound);
    }
}
