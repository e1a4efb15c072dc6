package org.jcontrast.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * A tensor in a computation graph: its value, and, for a parameter, the gradient that
 * {@link #backward()} accumulates into it.
 *
 * <p>Every operation (the static methods of {@link Arithmetic}, {@link Products}, {@link Reductions},
 * {@link Softmax}, {@link Normalization}, {@link Indexing} and {@link Layout}) returns a new
 * variable that remembers its inputs and its own backward, so the graph is built as the forward
 * pass runs. An operation whose inputs need no gradient, or that runs inside a {@link NoGrad}
 * scope, records nothing and returns a constant.
 *
 * <p>Only parameters keep a gradient; the gradients of intermediate results live for one backward
 * pass. The graph is kept, so a second {@code backward()} adds the same gradients again, as
 * PyTorch does with {@code retain_graph=True}.
 * <p>Not thread-safe: a graph, its backward pass and the gradients it accumulates belong to one
 * thread at a time.
 */
public final class Variable {
    private final Tensor value;
    private final boolean requiresGrad;
    private final Node node;
    private final String name;
    private Tensor grad;

    private Variable(Tensor value, boolean requiresGrad, Node node, String name) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
        this.name = name;
    }

    /**
     * A leaf that requires a gradient, wrapping {@code value} without copying.
     *
     * @param value the initial value, updated in place by optimisers
     * @return a leaf that requires a gradient, wrapping {@code value} without copying
     */
    public static Variable parameter(Tensor value) {
        return new Variable(value, true, null, null);
    }

    /**
     * A named leaf that requires a gradient; the name appears in error messages.
     *
     * @param name the leaf's name
     * @param value the initial value, updated in place by optimisers
     * @return a named leaf that requires a gradient; the name appears in error messages
     */
    public static Variable parameter(String name, Tensor value) {
        return new Variable(value, true, null, name);
    }

    /**
     * A leaf that needs no gradient (inputs, masks, constants), wrapping {@code value}.
     *
     * @param value the constant value, wrapped without copying
     * @return a leaf that needs no gradient (inputs, masks, constants), wrapping {@code value}
     */
    public static Variable constant(Tensor value) {
        return new Variable(value, false, null, null);
    }

    /**
     * A rank-0 constant.
     *
     * @param value the constant value
     * @return a rank-0 constant
     */
    public static Variable constant(float value) {
        return constant(Tensor.scalar(value));
    }

    /**
     * The result {@code value} of operation {@code op} on {@code inputs}: a graph node when some
     * input requires a gradient (and no {@link NoGrad} scope is open), else a constant.
     * {@code saved} lists every tensor the backward reads, so that a write to one of them before
     * the backward pass is caught. Every operation here is made this way; so can one defined
     * elsewhere, e.g. a fused loss whose backward is its analytic gradient.
     *
     * @param op the operation's name, for messages
     * @param value the operation's result
     * @param inputs the operands, in the order the backward returns their gradients
     * @param saved the tensors the backward reads, checked for writes before it runs
     * @param backward the gradients of the inputs given the output's
     * @return the result, a graph node or a constant
     */
    public static Variable fromOp(String op, Tensor value, List<Variable> inputs, List<Tensor> saved,
                                  Backward backward) {
        boolean needed = false;
        for (Variable in : inputs) {
            needed |= in.requiresGrad;
        }
        if (!needed || NoGrad.active()) {
            return new Variable(value, false, null, op);
        }
        return new Variable(value, true, new Node(op, inputs, saved, backward), op);
    }

    /**
     * The value (shared, not copied).
     *
     * @return the value (shared, not copied)
     */
    public Tensor value() {
        return value;
    }

    /**
     * The gradient accumulated by the backward passes so far: set on parameters only, null before
     * the first backward pass reaches this variable and after {@link #zeroGrad()}.
     *
     * @return the gradient accumulated by the backward passes so far: set on parameters only, null before the first
     *     backward pass reaches this variable and after {@link #zeroGrad()}
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Whether gradients flow to or through this variable.
     *
     * @return whether gradients flow to or through this variable
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * True for parameters and constants; false for the result of a recorded operation.
     *
     * @return true for parameters and constants; false for the result of a recorded operation
     */
    public boolean isLeaf() {
        return node == null;
    }

    /**
     * The name given to a leaf, the operation's name for a result, or null.
     *
     * @return the name given to a leaf, the operation's name for a result, or null
     */
    public String name() {
        return name;
    }

    /** Forgets the accumulated gradient (the next backward pass starts from zero). */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * A constant with the same value (shared storage) and no history: gradients stop here.
     *
     * @return a constant with the same value (shared storage) and no history: gradients stop here
     */
    public Variable detach() {
        return new Variable(value, false, null, name);
    }

    /** Back-propagates from this single-element variable, seeding its gradient with 1. */
    public void backward() {
        if (value.size() != 1) {
            throw new IllegalArgumentException("backward() needs a single-element result, this one has shape "
                    + value.shapeString() + "; reduce it (e.g. sum or mean) or give a seed gradient of that shape");
        }
        backward(Tensor.full(1f, value.shape()));
    }

    /**
     * Back-propagates {@code seed}, the gradient of some scalar with respect to this variable, and
     * adds the resulting gradients into every parameter it depends on.
     *
     * @param seed ∂(scalar)/∂(this), this variable's shape
     */
    public void backward(Tensor seed) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward: " + this + " does not require a gradient: it depends on no "
                    + "parameter, or it was computed inside a NoGrad scope");
        }
        if (!seed.sameShape(value)) {
            throw new IllegalArgumentException("backward: the seed gradient has shape " + seed.shapeString()
                    + ", the variable " + value.shapeString());
        }
        List<Variable> order = inputsFirstOrder();
        Map<Variable, Tensor> pending = new IdentityHashMap<>();
        pending.put(this, seed);
        for (int i = order.size() - 1; i >= 0; i--) {
            Variable v = order.get(i);
            Tensor g = pending.remove(v);
            if (v.node == null) {
                v.accumulate(g);
                continue;
            }
            Tensor[] grads = v.node.gradients(g);
            for (int j = 0; j < grads.length; j++) {
                Variable in = v.node.inputs.get(j);
                if (!in.requiresGrad) {
                    continue;
                }
                if (grads[j] == null || !grads[j].sameShape(in.value)) {
                    String got = grads[j] == null ? "no gradient" : "a gradient of shape " + grads[j].shapeString();
                    throw new IllegalStateException("autograd: '" + v.node.op + "' gave " + got + " for its input " + j
                            + " of shape " + in.value.shapeString());
                }
                // Never written in place: a backward may hand the same tensor to several inputs.
                pending.merge(in, grads[j], Ops::add);
            }
        }
    }

    /** Adds a gradient into this leaf's own copy. */
    private void accumulate(Tensor g) {
        if (grad == null) {
            grad = g.copy();
        } else {
            Ops.axpyInto(1f, g, grad);
        }
    }

    /**
     * Every variable this one depends on through gradient-carrying edges, each after all of its
     * inputs: a depth-first post-order kept on an explicit stack, so that a graph as deep as memory
     * allows never overflows the call stack.
     */
    private List<Variable> inputsFirstOrder() {
        record Frame(Variable variable, Iterator<Variable> inputs) {
        }
        List<Variable> order = new ArrayList<>();
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Frame> stack = new ArrayDeque<>();
        seen.add(this);
        stack.push(new Frame(this, inputsOf(this)));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (top.inputs.hasNext()) {
                Variable in = top.inputs.next();
                if (in.requiresGrad && seen.add(in)) {
                    stack.push(new Frame(in, inputsOf(in)));
                }
            } else {
                stack.pop();
                order.add(top.variable);
            }
        }
        return order;
    }

    private static Iterator<Variable> inputsOf(Variable v) {
        return v.node == null ? Collections.emptyIterator() : v.node.inputs.iterator();
    }

    @Override
    public String toString() {
        return "Variable" + (name == null ? "" : " '" + name + "'") + " " + value.shapeString()
                + (requiresGrad ? " (requires grad)" : "");
    }
}
