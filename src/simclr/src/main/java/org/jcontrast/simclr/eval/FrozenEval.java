package org.jcontrast.simclr.eval;

import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.tensor.Tensor;

/**
 * Both evaluations of frozen features in one call: the linear probe and the weighted kNN monitor,
 * trained on one set of features and scored on held-out ones. Raw pixels are features too: that
 * is the baseline every learned representation should beat ({@link #pixels}).
 * <p>Stateless and thread-safe, as long as no thread writes to the features passed in during a
 * call.
 */
public final class FrozenEval {
    private FrozenEval() {
    }

    /**
     * Held-out accuracies.
     *
     * @param linearProbe      accuracy of the linear probe on the held-out features
     * @param linearProbeTrain its accuracy on the training features (a large gap means overfitting)
     * @param knn              accuracy of the kNN monitor on the held-out features
     * @param probeIterations  L-BFGS iterations the probe used
     */
    public record Result(double linearProbe, double linearProbeTrain, double knn, int probeIterations) {
    }

    /**
     * Fits on ({@code train}, {@code trainLabels}) and scores on ({@code eval}, {@code evalLabels}).
     *
     * @param train the training features, [N, D]
     * @param trainLabels the labels of {@code train}
     * @param eval the held-out features, [M, D]
     * @param evalLabels the labels of {@code eval}
     * @param classes the number of classes
     * @param probe the linear probe
     * @param knn the kNN classifier
     * @return both accuracies on the held-out features
     */
    public static Result evaluate(Tensor train, int[] trainLabels, Tensor eval, int[] evalLabels, int classes,
                                  LinearProbe probe, KnnClassifier knn) {
        LinearProbe.Model model = probe.fit(train, trainLabels, classes);
        return new Result(model.accuracy(eval, evalLabels), model.accuracy(train, trainLabels),
                knn.accuracy(train, trainLabels, classes, eval, evalLabels), model.iterations());
    }

    /**
     * The raw-pixel baseline of a split, with the default probe and kNN.
     *
     * @param split the training and held-out parts
     * @return both accuracies on raw pixels
     */
    public static Result pixels(Dataset.Split split) {
        Dataset train = split.train(), eval = split.eval();
        return evaluate(train.images(), train.labels(), eval.images(), eval.labels(), train.classes(),
                LinearProbe.defaults(), KnnClassifier.defaults());
    }
}
