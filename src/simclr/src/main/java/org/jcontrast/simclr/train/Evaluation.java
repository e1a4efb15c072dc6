package org.jcontrast.simclr.train;

import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.eval.KnnClassifier;
import org.jcontrast.simclr.eval.LinearProbe;
import org.jcontrast.simclr.train.SimClrModel;
import org.jcontrast.tensor.Tensor;

/**
 * The evaluation protocol with the encoder frozen: representations f(x) (before the projection
 * head) of the training part fit a linear probe and serve as the kNN monitor's bank; both are
 * scored on the held-out part.
 * <p>Stateless; a call reads the model, which must not be trained at the same time.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Linear probe and kNN on the frozen representations of {@code split}.
     *
     * @param model the trained network
     * @param split the training and held-out parts
     * @return the accuracies on the held-out part
     */
    public static FrozenEval.Result frozen(SimClrModel model, Dataset.Split split) {
        Dataset train = split.train(), eval = split.eval();
        Tensor trainFeatures = model.represent(train.images());
        Tensor evalFeatures = model.represent(eval.images());
        return FrozenEval.evaluate(trainFeatures, train.labels(), evalFeatures, eval.labels(), train.classes(),
                LinearProbe.defaults(), KnnClassifier.defaults());
    }
}
