package org.jcontrast.peers.djl;

import ai.djl.engine.Engine;

final class SimClrStepPeer {
    private SimClrStepPeer() {
    }

    static void run(Engine engine, int batch, int threads, double temperature, int warmup, int repeats, double idle) {
        throw new UnsupportedOperationException("todo");
    }
}
