package org.jcontrast.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.tensor.Tensor;

/**
 * Updates a fixed list of parameters from their gradients. Subclasses implement the update of one
 * parameter; this class checks the gradients, counts steps and keeps the per-parameter state
 * buffers that a checkpoint saves ({@link #state()}).
 *
 * <p>All arithmetic is sequential per parameter, so a step is deterministic.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private final Tensor steps = Tensor.scalar(0f);

    /** Takes the parameters to update; their names must be unique. */
    protected Optimizer(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
        Parameter.valuesByName(this.parameters); // throws on a repeated name
        state.put("optimizer.steps", steps);
    }

    /**
     * Applies one update with learning rate {@code learningRate} to every parameter.
     *
     * @throws IllegalStateException naming the parameter if a gradient holds NaN or an infinity
     */
    public final void step(double learningRate) {
        for (Parameter p : parameters) {
            double norm2 = squaredNorm(p.grad());
            if (!Double.isFinite(norm2)) {
                throw new IllegalStateException("the gradient of " + p.name() + " is not finite at step " + steps()
                        + " (NaN or infinity); lower the learning rate or check the loss");
            }
        }
        long t = steps() + 1;
        for (Parameter p : parameters) {
            update(p, learningRate, t);
            p.value().markModified();
        }
        steps.set(0, t);
    }

    /** Updates one parameter in place for step {@code t} (1 for the first step). */
    protected abstract void update(Parameter p, double learningRate, long t);

    /** Steps taken so far (kept exactly up to 2<sup>24</sup> steps, the float32 integer range). */
    public final long steps() {
        return (long) steps.item();
    }

    /** The parameters, in order. */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** Sets every gradient to zero. */
    public final void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /**
     * The live state tensors by name ({@code optimizer.steps}, then e.g.
     * {@code <parameter>.momentum}): saving them and copying them back later resumes the
     * optimiser exactly.
     */
    public final Map<String, Tensor> state() {
        return Collections.unmodifiableMap(state);
    }

    /** A zero state buffer shaped like {@code p}, registered as {@code <p.name>.<kind>}. */
    protected final Tensor buffer(Parameter p, String kind) {
        return state.computeIfAbsent(p.name() + "." + kind, k -> Tensor.zeros(p.value().shape()));
    }

    /** Creates the buffers of every parameter now, so that {@link #state()} is complete before the first step. */
    protected final void createBuffers(String... kinds) {
        for (Parameter p : parameters) {
            for (String kind : kinds) {
                buffer(p, kind);
            }
        }
    }

    /** Sum of squares, accumulated in double. */
    protected static double squaredNorm(Tensor t) {
        float[] d = t.array();
        double s = 0;
        for (int i = t.offset(), end = t.offset() + t.size(); i < end; i++) {
            s += (double) d[i] * d[i];
        }
        return s;
    }
}
