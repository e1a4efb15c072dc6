package org.jcontrast.loss;

import org.jcontrast.Engine;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossImplementation;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.tensor.Tensor;

/**
 * A spec computed by jcontrast's implementations: each batch's options (the spec and the batch's
 * inputs) go to the implementation of the mode, on the bound engine when there is one.
 */
final class BuiltInLoss implements Loss {
    private final LossSpec spec;
    private final LossMode mode;
    private final Engine engine;

    BuiltInLoss(LossSpec spec, LossMode mode, Engine engine) {
        this.spec = spec;
        this.mode = mode;
        this.engine = engine;
    }

    @Override
    public LossResult compute(Tensor z1, Tensor z2, BatchInputs batch) {
        LossImplementation implementation = LossFactory.create(LossOptions.of(spec, batch), mode);
        return engine == null ? implementation.compute(z1, z2) : engine.call(() -> implementation.compute(z1, z2));
    }

    @Override
    public double computeInto(Tensor z1, Tensor z2, Tensor grad1, Tensor grad2, BatchInputs batch) {
        LossImplementation implementation = LossFactory.create(LossOptions.of(spec, batch), mode);
        return engine == null ? implementation.computeInto(z1, z2, grad1, grad2)
                : engine.call(() -> implementation.computeInto(z1, z2, grad1, grad2));
    }

    @Override
    public String toString() {
        return spec.describe() + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
