package org.jcontrast.loss;

import java.util.Objects;
import org.jcontrast.Engine;

/**
 * The built-in losses: {@code Losses.create(spec)} computes {@code spec} exactly with a streaming
 * engine that never holds the 2N×2N similarity matrix (O(N·d) memory), or with fused kernels over the
 * materialised matrix where a hard selection would keep more candidates than the matrix has
 * entries; a {@link LossMode} forces one.
 *
 * <p>A loss made without an engine computes with {@link Engine#current()} at each call; one made
 * with an engine always computes with that one. Losses are thread-safe.
 */
public final class Losses {
    private Losses() {
    }

    /**
     * {@code spec}, in {@link LossMode#AUTO}, on the engine current at each call.
     *
     * @param spec the loss and its options
     * @return the loss
     */
    public static Loss create(LossSpec spec) {
        return create(spec, LossMode.AUTO);
    }

    /**
     * {@code spec}, in {@link LossMode#AUTO}, always on {@code engine}.
     *
     * @param spec the loss and its options
     * @param engine the runtime settings every call computes with
     * @return the loss
     */
    public static Loss create(LossSpec spec, Engine engine) {
        return create(spec, LossMode.AUTO, engine);
    }

    /**
     * {@code spec} computed in {@code mode}, on the engine current at each call.
     *
     * @param spec the loss and its options
     * @param mode how the loss is computed (fused, streaming, composed, or chosen by size)
     * @return the loss
     */
    public static Loss create(LossSpec spec, LossMode mode) {
        return new BuiltInLoss(Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(mode, "mode"), null);
    }

    /**
     * {@code spec} computed in {@code mode}, always on {@code engine}.
     *
     * @param spec the loss and its options
     * @param mode how the loss is computed (fused, streaming, composed, or chosen by size)
     * @param engine the runtime settings every call computes with
     * @return the loss
     */
    public static Loss create(LossSpec spec, LossMode mode, Engine engine) {
        return new BuiltInLoss(Objects.requireNonNull(spec, "spec"), Objects.requireNonNull(mode, "mode"),
                Objects.requireNonNull(engine, "engine"));
    }
}
