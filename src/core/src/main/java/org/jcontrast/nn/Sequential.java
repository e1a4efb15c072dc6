package org.jcontrast.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * Layers applied one after another.
 * <p>Not thread-safe, like the layers it holds.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    /**
     * The layers, in order.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    @Override
    public Variable forward(Variable x, boolean training) {
        Variable out = x;
        for (Layer layer : layers) {
            out = layer.forward(out, training);
        }
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(layer.parameters());
        }
        return out;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Layer layer : layers) {
            out.putAll(layer.buffers());
        }
        return out;
    }

    /**
     * The layers.
     *
     * @return the layers
     */
    public List<Layer> layers() {
        return layers;
    }
}
