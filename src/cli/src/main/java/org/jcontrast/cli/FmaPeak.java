package org.jcontrast.cli;

import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jcontrast.internal.kernel.Parallel;

/**
 * The multiply-add throughput a loop with no memory traffic reaches on this machine and JVM: the
 * ceiling against which the bench reports "% of peak". Twelve independent accumulators cover the
 * latency of the FMA units, so the loop runs at their issue rate, whatever the clock turns out to be.
 */
final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 12;
    /** Short calls, so that the JIT compiles the loop as a method rather than on-stack mid-loop. */
    private static final int ITERATIONS = 1 << 14;
    private static final int CALLS = 64;

    private FmaPeak() {
    }

    /** Best GFLOP/s of {@code threads} threads running the loop at once, over about {@code seconds}. */
    static double gflops(int threads, double seconds) {
        long flopsPerTask = 2L * ACCUMULATORS * S.length() * ITERATIONS * CALLS;
        AtomicLong sink = new AtomicLong(); // consumes the loops' results, so they are not optimised away
        for (int i = 0; i < 20_000; i++) {
            sink.addAndGet(Float.floatToRawIntBits(loop(4, 1))); // many short calls get the loop JIT-compiled
        }
        double best = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            Parallel.forTasks(threads, t -> {
                for (int call = 0; call < CALLS; call++) {
                    sink.addAndGet(Float.floatToRawIntBits(loop(ITERATIONS, t + 1)));
                }
            });
            best = Math.max(best, threads * flopsPerTask / ((System.nanoTime() - t0) / 1e9) / 1e9);
        } while (System.nanoTime() < end);
        return best;
    }

    private static float loop(int iterations, float seed) {
        FloatVector x = FloatVector.broadcast(S, 1f - 1e-7f * seed);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = x.add(1), a1 = x.add(2), a2 = x.add(3), a3 = x.add(4), a4 = x.add(5), a5 = x.add(6);
        FloatVector a6 = x.add(7), a7 = x.add(8), a8 = x.add(9), a9 = x.add(10), a10 = x.add(11), a11 = x.add(12);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
