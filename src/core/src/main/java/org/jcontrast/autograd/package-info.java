/**
 * Reverse-mode automatic differentiation over {@link org.jcontrast.tensor.Tensor}, as Karpathy's
 * micrograd does it for scalars: each operation computes its value with the SIMD kernels of
 * {@link org.jcontrast.internal.tensor.Ops} and records, on its result, its inputs and a closure that
 * computes their gradients. These records are the tape: {@link
 * org.jcontrast.autograd.Variable#backward()} orders them without recursion, replays them in
 * reverse and adds every contribution to each parameter's gradient.
 *
 * <p>Shapes: matrices [r, c], row vectors [c] (or [1, c]), scalars []. Per-row results (a row's
 * sum, logsumexp, picked entry) are [r, 1] columns and per-column results [1, c] rows, so that
 * they broadcast back against the matrix they came from.
 *
 * <p>A tensor an operation saves for its backward must not be written before the backward pass
 * runs; the tensors' version counters turn such a write into an {@link IllegalStateException}
 * naming the operation, instead of a wrong gradient.
 */
package org.jcontrast.autograd;

