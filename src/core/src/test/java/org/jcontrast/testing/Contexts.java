package org.jcontrast.testing;

import java.util.concurrent.ForkJoinPool;
import org.jcontrast.Simd;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.kernel.KernelProvider;

/**
 * Contexts for tests: like the current one (so the scalar run of the suite stays scalar) but with
 * another thread count, router, tile, loss cache or kernels, bound for the length of a block and closed after it.
 */
public final class Contexts {
    private Contexts() {
    }

    /** A block of test code. */
    @FunctionalInterface
    public interface Block {
        /** Runs it. */
        void run() throws Exception;
    }

    /** Runs {@code block} on a context like the current one with {@code threads} threads. */
    public static void withThreads(int threads, Block block) throws Exception {
        Context now = Context.current();
        try (Context c = new Context(now.simd(), now.vectorBits(), threads, now.router().settings(), now.streaming())) {
            bound(c, block);
        }
    }

    /** Runs {@code block} on a context like the current one whose products go to {@code router} (closed after). */
    public static void withRouter(GemmRouter router, Block block) throws Exception {
        Context now = Context.current();
        ForkJoinPool pool = new ForkJoinPool(now.threads());
        try (Context c = new Context(now.simd(), now.vectorBits(), pool, router, now.streaming())) {
            bound(c, block);
        } finally {
            pool.shutdown();
        }
    }

    /** Runs {@code block} on a context like the current one with streaming tiles of {@code tile}. */
    public static void withTile(int tile, Block block) throws Exception {
        Context now = Context.current();
        try (Context c = new Context(now.simd(), now.vectorBits(), now.threads(), now.router().settings(),
                new Context.Streaming(tile, now.streaming().cacheBytes()))) {
            bound(c, block);
        }
    }

    /** Runs {@code block} on a context like the current one with a loss cache of {@code bytes}. */
    public static void withLossCache(long bytes, Block block) throws Exception {
        Context now = Context.current();
        try (Context c = new Context(now.simd(), now.vectorBits(), now.threads(), now.router().settings(),
                new Context.Streaming(now.streaming().tile(), bytes))) {
            bound(c, block);
        }
    }

    /** Runs {@code block} on a context like the current one with the kernels of {@code kernels} (see {@link Providers}). */
    public static void withKernels(KernelProvider kernels, Block block) throws Exception {
        Context now = Context.current();
        int bits = kernels.vectorBits();
        try (Context c = new Context(bits == 0 ? Simd.SCALAR : Simd.VECTOR, bits, now.threads(), now.router().settings(),
                now.streaming())) {
            bound(c, block);
        }
    }

    private static void bound(Context c, Block block) throws Exception {
        c.call(() -> {
            block.run();
            return null;
        });
    }
}
