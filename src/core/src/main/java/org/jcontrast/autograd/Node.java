package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.tensor.Tensor;

/**
 * One recorded operation: its name, its inputs, the tensors its backward reads, and the backward
 * itself. The versions of the saved tensors are taken when the operation runs, so that a write to
 * any of them before the backward pass is caught instead of silently giving a wrong gradient.
 */
final class Node {
    final String op;
    final List<Variable> inputs;
    private final List<Tensor> saved;
    private final int[] savedVersions;
    private final Backward backward;

    Node(String op, List<Variable> inputs, List<Tensor> saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved;
        this.backward = backward;
        this.savedVersions = new int[saved.size()];
        for (int i = 0; i < savedVersions.length; i++) {
            savedVersions[i] = saved.get(i).version();
        }
    }

    /** Runs the backward after checking that nothing it reads was written since the forward pass. */
    Tensor[] gradients(Tensor gradOut) {
        for (int i = 0; i < savedVersions.length; i++) {
            int now = saved.get(i).version();
            if (now != savedVersions[i]) {
                throw new IllegalStateException("autograd: a tensor " + describe(saved.get(i)) + " saved by '" + op
                        + "' for the backward pass was modified after the forward pass (version " + savedVersions[i]
                        + ", now " + now + "), so its gradient would be wrong; modify a copy instead, or redo the "
                        + "forward pass after the change");
            }
        }
        Tensor[] grads = backward.apply(gradOut);
        if (grads.length != inputs.size()) {
            throw new IllegalStateException("autograd: '" + op + "' returned " + grads.length + " gradients for "
                    + inputs.size() + " inputs");
        }
        return grads;
    }

    /** Names the saved tensor by the input it is the value of, when it is one. */
    private String describe(Tensor t) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).value() == t) {
                String name = inputs.get(i).name();
                return t.shapeString() + " (input " + i + (name == null ? "" : ", '" + name + "'") + ")";
            }
        }
        return t.shapeString();
    }
}
