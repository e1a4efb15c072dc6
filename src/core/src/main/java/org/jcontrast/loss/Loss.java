package org.jcontrast.loss;

import java.util.List;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * A contrastive loss over two views z1, z2 of N rows of d values each (for CLIP the two towers, for
 * InfoNCE the queries and their positive keys): the value and its exact gradients with respect to
 * the raw rows, normalisation included.
 *
 * <p>Built-in losses come from {@link Losses#create(LossSpec)}; a loss of your own implements
 * {@link #compute(Tensor, Tensor, BatchInputs)} and gets the rest. Embeddings go in as
 * {@link Tensor}s (wrap a row-major {@code float[]} without copying with {@link Tensor#wrap}) or
 * {@code float[][]} rows; gradients come back in a {@link LossResult}, or are written into buffers
 * the caller owns ({@link #computeInto}). In an autograd graph, {@link #apply} is one operation
 * whose backward is the loss's exact gradient, so a projection head before it trains with
 * {@code apply(...).backward()}.
 *
 * <p>Built-in losses are thread-safe: one instance may serve many threads at once, and the same
 * inputs give the same bits on every call for a given thread count.
 */
@FunctionalInterface
public interface Loss {

    /**
     * The loss and its gradients for one batch.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d], row i the positive of {@code z1}'s row i
     * @param batch per-batch inputs beyond the views ({@link BatchInputs#none()} when the loss needs none)
     * @throws IllegalArgumentException naming the problem when the views are not [N, d] matrices of
     *                                  one shape with finite values, or the batch lacks an input the
     *                                  loss needs (or has one it does not use)
     * @return the loss and its gradients for one batch
     */
    LossResult compute(Tensor z1, Tensor z2, BatchInputs batch);

    /**
     * {@link #compute(Tensor, Tensor, BatchInputs)} for a loss that needs nothing beyond the views.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d], row i the positive of {@code z1}'s row i
     * @return the loss and its gradients
     */
    default LossResult compute(Tensor z1, Tensor z2) {
        return compute(z1, z2, BatchInputs.none());
    }

    /**
     * The same on rows given as arrays (copied); the gradients are {@link LossResult#grad1Rows()}.
     *
     * @param z1 the first view's rows, N rows of d values
     * @param z2 the second view's rows, paired with {@code z1}'s
     * @param batch per-batch inputs beyond the views ({@link BatchInputs#none()} when the loss needs none)
     * @return the loss and its gradients
     */
    default LossResult compute(float[][] z1, float[][] z2, BatchInputs batch) {
        return compute(Tensor.fromRows(z1), Tensor.fromRows(z2), batch);
    }

    /**
     * {@link #compute(float[][], float[][], BatchInputs)} for a loss that needs nothing beyond the views.
     *
     * @param z1 the first view's rows, N rows of d values
     * @param z2 the second view's rows, paired with {@code z1}'s
     * @return the loss and its gradients
     */
    default LossResult compute(float[][] z1, float[][] z2) {
        return compute(z1, z2, BatchInputs.none());
    }

    /**
     * Writes ∂L/∂z1 into {@code grad1} and ∂L/∂z2 into {@code grad2} (tensors of the views' shapes,
     * owned by the caller) and returns the loss. The built-in losses allocate nothing here once warm
     * but their working memory, whose size depends only on the shapes.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d], row i the positive of {@code z1}'s row i
     * @param grad1 receives ∂L/∂z1, the shape of {@code z1}, owned by the caller
     * @param grad2 receives ∂L/∂z2, the shape of {@code z2}, owned by the caller
     * @param batch per-batch inputs beyond the views ({@link BatchInputs#none()} when the loss needs none)
     * @return the loss
     */
    default double computeInto(Tensor z1, Tensor z2, Tensor grad1, Tensor grad2, BatchInputs batch) {
        LossResult r = compute(z1, z2, batch);
        grad1.copyFrom(r.grad1());
        grad2.copyFrom(r.grad2());
        return r.loss();
    }

    /**
     * {@link #computeInto(Tensor, Tensor, Tensor, Tensor, BatchInputs)} on rows given and returned as arrays.
     *
     * @param z1 the first view's rows, N rows of d values
     * @param z2 the second view's rows, paired with {@code z1}'s
     * @param grad1 receives ∂L/∂z1, N rows of d values, owned by the caller
     * @param grad2 receives ∂L/∂z2, N rows of d values, owned by the caller
     * @param batch per-batch inputs beyond the views ({@link BatchInputs#none()} when the loss needs none)
     * @return the loss
     */
    default double computeInto(float[][] z1, float[][] z2, float[][] grad1, float[][] grad2, BatchInputs batch) {
        LossResult r = compute(z1, z2, batch);
        r.grad1().copyToRows(grad1);
        r.grad2().copyToRows(grad2);
        return r.loss();
    }

    /**
     * The loss as one autograd operation on {@code z1} and {@code z2}: its value is the loss, and its
     * backward multiplies the exact gradients, computed together with the value, by the incoming one.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d], row i the positive of {@code z1}'s row i
     * @param batch per-batch inputs beyond the views ({@link BatchInputs#none()} when the loss needs none)
     * @return a scalar variable whose backward reaches {@code z1} and {@code z2}
     */
    default Variable apply(Variable z1, Variable z2, BatchInputs batch) {
        LossResult r = compute(z1.value(), z2.value(), batch);
        return Variable.fromOp("loss", Tensor.scalar((float) r.loss()), List.of(z1, z2),
                List.of(z1.value(), z2.value()), g -> {
                    float scale = g.item();
                    return new Tensor[] {
                            z1.requiresGrad() ? Ops.scale(r.grad1(), scale) : null,
                            z2.requiresGrad() ? Ops.scale(r.grad2(), scale) : null};
                });
    }

    /**
     * {@link #apply(Variable, Variable, BatchInputs)} for a loss that needs nothing beyond the views.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d], row i the positive of {@code z1}'s row i
     * @return a scalar variable whose backward reaches {@code z1} and {@code z2}
     */
    default Variable apply(Variable z1, Variable z2) {
        return apply(z1, z2, BatchInputs.none());
    }
}
