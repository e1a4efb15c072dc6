package org.jcontrast.internal.kernel;

import java.util.function.IntConsumer;

/** How {@link PanamaGemm}'s blocked loops run their two steps per block of B: packing B's panels, and C's row blocks. */
enum GemmSteps {
    ON_CALLER {
        @Override
        void panels(int count, Parallel.RangeBody body) {
            body.run(0, count);
        }

        @Override
        void blocks(int count, IntConsumer body) {
            for (int block = 0; block < count; block++) {
                body.accept(block);
            }
        }
    },
    ON_ALL_THREADS {
        @Override
        void panels(int count, Parallel.RangeBody body) {
            Parallel.forRange(count, 1, body);
        }

        @Override
        void blocks(int count, IntConsumer body) {
            Parallel.forTasks(count, body);
        }
    };

    abstract void panels(int count, Parallel.RangeBody body);

    abstract void blocks(int count, IntConsumer body);
}
