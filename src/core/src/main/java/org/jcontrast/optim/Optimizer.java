package org.jcontrast.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * Updates a fixed list of parameters from the gradients the backward pass left on them, with the
 * learning rate its schedule gives for the step. Subclasses implement the update of one parameter;
 * this class checks the gradients, counts steps and keeps the per-parameter state buffers that a
 * checkpoint saves ({@link #state()}).
 *
 * <p>A step consumes the gradients: afterwards every parameter's gradient is cleared, so gradients
 * never leak into the next step (several backward passes before one step still add up, for
 * gradient accumulation). A step with no gradient at all is an error, not a silent no-op.
 * Parameters the backward passes did not reach are left as they are, as in PyTorch.
 *
 * <p>All arithmetic is sequential per parameter, so a step is deterministic. Not thread-safe.
 */
public abstract class Optimizer {
    private final List<Parameter> parameters;
    private final LearningRateSchedule schedule;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private final Tensor steps = Tensor.scalar(0f);

    /**
     * Takes the parameters to update (names unique) and the learning rate of each step.
     *
     * @param parameters the parameters to update, names unique
     * @param schedule the learning rate of each step
     */
    protected Optimizer(List<Parameter> parameters, LearningRateSchedule schedule) {
        this.parameters = List.copyOf(parameters);
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        Parameter.valuesByName(this.parameters); // throws on a repeated name
        state.put("optimizer.steps", steps);
    }

    /**
     * Applies one update to every parameter that has a gradient, with the learning rate of this step,
     * then clears the gradients.
     *
     * @return the learning rate used
     * @throws IllegalStateException when no parameter has a gradient (call {@code backward()} first),
     *                               or naming the parameter whose gradient holds NaN or an infinity
     */
    public final double step() {
        boolean any = false;
        for (Parameter p : parameters) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            any = true;
            if (Ops.firstNonFinite(g) >= 0) {
                throw new IllegalStateException("the gradient of " + p.name() + " is not finite at step " + steps()
                        + " (NaN or infinity); lower the learning rate or check the loss");
            }
        }
        if (!any) {
            throw new IllegalStateException("step(): no parameter has a gradient; call backward() on the loss "
                    + "first (a step consumes the gradients, so each step needs its own backward pass)");
        }
        double learningRate = learningRate();
        long t = steps() + 1;
        for (Parameter p : parameters) {
            Tensor g = p.grad();
            if (g != null) {
                update(p, g, learningRate, t);
                p.value().markModified();
                p.zeroGrad();
            }
        }
        steps.set(0, t);
        return learningRate;
    }

    /**
     * Updates one parameter in place from its gradient for step {@code t} (1 for the first step).
     *
     * @param p the parameter
     * @param grad its gradient, the parameter's shape
     * @param learningRate this step's learning rate
     * @param t the step number, 1 for the first step
     */
    protected abstract void update(Parameter p, Tensor grad, double learningRate, long t);

    /**
     * The learning rate the next step will use.
     *
     * @return the learning rate the next step will use
     */
    public final double learningRate() {
        return schedule.at(steps());
    }

    /**
     * Steps taken so far (kept exactly up to 2<sup>24</sup> steps, the float32 integer range).
     *
     * @return steps taken so far (kept exactly up to 2<sup>24</sup> steps, the float32 integer range)
     */
    public final long steps() {
        return (long) steps.item();
    }

    /**
     * The parameters, in order.
     *
     * @return the parameters, in order
     */
    public final List<Parameter> parameters() {
        return parameters;
    }

    /** Clears every gradient without a step (after a batch that is to be skipped, say). */
    public final void zeroGrad() {
        for (Parameter p : parameters) {
            p.zeroGrad();
        }
    }

    /**
     * The live state tensors by name ({@code optimizer.steps}, then e.g.
     * {@code <parameter>.momentum}): saving them and copying them back later resumes the
     * optimiser exactly.
     *
     * @return the live state tensors by name
     */
    public final Map<String, Tensor> state() {
        return Collections.unmodifiableMap(state);
    }

    /**
     * A zero state buffer shaped like {@code p}, registered as {@code <p.name>.<kind>}.
     *
     * @param p the parameter the buffer belongs to
     * @param kind the buffer's kind, e.g. {@code momentum}
     * @return a zero state buffer shaped like {@code p}, registered as {@code <p.name>.<kind>}
     */
    protected final Tensor buffer(Parameter p, String kind) {
        return state.computeIfAbsent(p.name() + "." + kind, k -> Tensor.zeros(p.value().shape()));
    }

    /**
     * Creates the buffers of every parameter now, so that {@link #state()} is complete before the first step.
     *
     * @param kinds the kinds of buffer each parameter gets
     */
    protected final void createBuffers(String... kinds) {
        for (Parameter p : parameters) {
            for (String kind : kinds) {
                buffer(p, kind);
            }
        }
    }

    /**
     * The settings every optimiser has: the learning rate (a constant or a schedule, one of which is
     * required) and the weight decay λ ≥ 0 (default 0). Named setters, so that no number can be read
     * as another. Not thread-safe.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        final String optimizer;
        final List<Parameter> parameters;
        LearningRateSchedule schedule;
        double weightDecay;

        Builder(String optimizer, List<Parameter> parameters) {
            this.optimizer = optimizer;
            this.parameters = List.copyOf(parameters);
        }

        /**
         * The same learning rate at every step (finite, ≥ 0).
         *
         * @param rate the learning rate, finite and ≥ 0
         * @return this builder
         */
        public B learningRate(double rate) {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException(optimizer + ": the learning rate must be a finite number ≥ 0, got "
                        + rate);
            }
            return schedule(LearningRateSchedule.constant(rate));
        }

        /**
         * The learning rate of each step, e.g. {@link LearningRateSchedule#warmupCosine}.
         *
         * @param s the schedule
         * @return this builder
         */
        public B schedule(LearningRateSchedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return self();
        }

        /**
         * λ ≥ 0, applied to the parameters that decay.
         *
         * @param lambda the decay λ ≥ 0
         * @return this builder
         */
        public B weightDecay(double lambda) {
            if (!(lambda >= 0) || Double.isInfinite(lambda)) {
                throw new IllegalArgumentException(optimizer + ": the weight decay must be a finite number ≥ 0, got "
                        + lambda);
            }
            this.weightDecay = lambda;
            return self();
        }

        /**
         * The schedule, checked to be given.
         *
         * @throws IllegalStateException when neither a learning rate nor a schedule was set
         */
        LearningRateSchedule requireSchedule() {
            if (schedule == null) {
                throw new IllegalStateException(optimizer + ": set a learningRate(..) or a schedule(..) before build()");
            }
            return schedule;
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * The optimiser.
         *
         * @return the optimiser
         */
        public abstract Optimizer build();
    }
}
