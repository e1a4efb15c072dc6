package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.List;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.eval.KnnClassifier;
import org.jcontrast.simclr.train.SimClrModel;

/**
 * Watches a run on its held-out part every few epochs: SimCLR's kNN monitor on the frozen
 * representations, and the uniformity, tolerance and alignment of the embeddings
 * ({@link HeldOutMetrics}), so the report can show how they moved during training.
 * <p>Not thread-safe: it keeps the measurements of one training run, on that run's thread.
 */
public final class Monitor {
    /**
     * One measurement.
     *
     * @param epoch the epoch after which it was taken, 0-based
     * @param knn kNN accuracy on the held-out images
     * @param uniformity uniformity of their embeddings (t = 2)
     * @param tolerance tolerance of their embeddings
     * @param alignment alignment of their positive pairs
     */
    public record Point(int epoch, double knn, double uniformity, double tolerance, double alignment) {
    }

    private final Dataset.Split split;
    private final TrainConfig config;
    private final int every;
    private final List<Point> points = new ArrayList<>();

    /**
     * Measures after every {@code every}-th epoch (and after the last) of {@code config} on {@code split}.
     *
     * @param split the training part (for the kNN's neighbours) and the held-out part measured
     * @param config the run's configuration
     * @param every the interval, in epochs, ≥ 1
     */
    public Monitor(Dataset.Split split, TrainConfig config, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("the monitor needs an interval of at least one epoch, got " + every);
        }
        this.split = split;
        this.config = config;
        this.every = every;
    }

    /**
     * About ten measurements over a run of {@code config.epochs()} epochs.
     *
     * @param config the run's configuration
     * @return the interval, in epochs
     */
    public static int defaultInterval(TrainConfig config) {
        return Math.max(1, config.epochs() / 10);
    }

    /**
     * Whether epoch {@code epoch} (0-based, just completed) is one to measure after.
     *
     * @param epoch the epoch just completed, 0-based
     * @return whether epoch {@code epoch} (0-based, just completed) is one to measure after
     */
    public boolean due(int epoch) {
        return (epoch + 1) % every == 0 || epoch + 1 == config.epochs();
    }

    /**
     * Measures {@code model} after epoch {@code epoch} (0-based) and keeps the point.
     *
     * @param model the network being trained, read in evaluation mode
     * @param epoch the epoch just completed, 0-based
     * @return the measurement
     */
    public Point measure(SimClrModel model, int epoch) {
        Dataset train = split.train(), eval = split.eval();
        double knn = KnnClassifier.defaults().accuracy(model.represent(train.images()), train.labels(),
                train.classes(), model.represent(eval.images()), eval.labels());
        HeldOutMetrics m = HeldOutMetrics.measure(model, eval, config);
        Point p = new Point(epoch + 1, knn, m.uniformity(), m.tolerance(), m.alignment());
        points.add(p);
        return p;
    }

    /**
     * The measurements so far, in order.
     *
     * @return the measurements so far, in order
     */
    public List<Point> points() {
        return List.copyOf(points);
    }
}
