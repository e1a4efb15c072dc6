package org.jcontrast;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ForkJoinPool;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;

/**
 * The runtime settings a computation runs with: its threads (a pool of its own, or a
 * {@link ForkJoinPool} of the caller's), its kernels ({@link Simd}), where its large matrix products
 * run ({@link Device}), and the tile and the cache of the streaming losses. Nothing here is global:
 * a service gives each call site the engine it wants.
 *
 * <p>An engine is used in one of two ways. {@code Losses.create(spec, engine)} makes a loss that
 * always computes with it. {@link #run} and {@link #call} bind it for a block of code on this thread
 * (for a forward pass, an optimiser step, a metric), as {@code jax.default_device} does: the binding
 * ends with the block and is seen by the parallel sections it starts. Code that binds none uses
 * {@link #defaults()}, made from the system properties {@code jcontrast.threads} (default: all
 * processors), {@code jcontrast.simd} ({@code auto|scalar|vector}), {@code jcontrast.vectorsize}
 * ({@code 128|256|512} bits, default the widest the CPU has), {@code jcontrast.tile},
 * {@code jcontrast.losscache} (bytes, e.g. {@code 640m}; default {@code 32m}),
 * {@code jcontrast.device} ({@code cpu|gpu|auto}, default auto), {@code jcontrast.gpu.threshold} (flops,
 * default 1e9) and {@code jcontrast.gpu.tf32}; a {@link #builder()} starts from those too.
 *
 * <p>Settings never change the result's definition, only how fast it comes: for one thread count
 * the same inputs give the same bits, run after run.
 *
 * <p>Thread-safe: one engine may serve many threads at once. Close the engines you build (their pool
 * threads and GPU resources); closing {@link #defaults()} does nothing.
 */
public final class Engine implements AutoCloseable {
    private final Context context;

    private Engine(Context context) {
        this.context = context;
    }

    /**
     * The engine of code that binds none, made from the system properties on first use.
     *
     * @throws IllegalArgumentException naming the property when one is invalid (every time, until it is fixed)
     * @return the engine of code that binds none
     */
    public static Engine defaults() {
        return new Engine(Context.defaults());
    }

    /**
     * The engine bound on this thread by {@link #run} or {@link #call}, else {@link #defaults()}.
     *
     * @return the engine bound on this thread by {@link #run} or {@link #call}, else {@link #defaults()}
     */
    public static Engine current() {
        return new Engine(Context.current());
    }

    /**
     * A builder whose unset settings take the system properties' values (see the class comment).
     *
     * @return this builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code block} with this engine bound on this thread.
     *
     * @param block the code to run
     */
    public void run(Runnable block) {
        context.call(() -> {
            block.run();
            return null;
        });
    }

    /**
     * Runs {@code block} with this engine bound on this thread and returns its result; its exception passes through.
     *
     * @param <T> the block's result type
     * @param <X> the exception the block may throw
     * @param block the code to run
     * @return the block's result
     * @throws X when the block throws it
     */
    public <T, X extends Throwable> T call(ScopedValue.CallableOp<T, X> block) throws X {
        return context.call(block);
    }

    /**
     * Threads of the parallel sections.
     *
     * @return threads of the parallel sections
     */
    public int threads() {
        return context.threads();
    }

    /**
     * The kernels as asked for ({@link #describe()} says which ran: {@link Simd#AUTO} may fall back).
     *
     * @return the kernels as asked for ({@link #describe()} says which ran: {@link Simd#AUTO} may fall back)
     */
    public Simd simd() {
        return context.simd();
    }

    /**
     * The width of the vector kernels that compute.
     *
     * @return the width in bits, or 0 when the plain-Java kernels compute
     */
    public int vectorSize() {
        return context.vectorBits();
    }

    /**
     * Where large matrix products run.
     *
     * @return where large matrix products run
     */
    public Device device() {
        return context.device();
    }

    /**
     * The tile of the streaming losses when fixed; empty when chosen per batch: 256 on the CPU, 512 when
     * both sides have at least 16384 rows (or 4096 with 512 or more columns), 4096 on a GPU.
     *
     * @return the tile of the streaming losses when fixed; empty when chosen per batch
     */
    public OptionalInt tile() {
        return context.tile();
    }

    /**
     * The loss cache: the bytes a streaming loss may keep from its forward pass for its backward pass,
     * see {@link Builder#lossCache(long)}.
     *
     * @return the loss cache, in bytes
     */
    public long lossCache() {
        return context.streaming().cacheBytes();
    }

    /**
     * The settings in words, e.g.
     * {@code vector (512-bit); 2 thread(s); device cpu; streaming tile per batch; loss cache 32m}.
     *
     * @return the settings in words
     */
    public String describe() {
        return context.describe();
    }

    /** Shuts down the pool this engine made and releases its GPU resources; does nothing for {@link #defaults()}. */
    @Override
    public void close() {
        context.close();
    }

    /** Engines are equal when they are handles on the same settings and resources. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Engine e && e.context == context;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(context);
    }

    @Override
    public String toString() {
        return "Engine[" + describe() + "]";
    }

    /**
     * Settings of a new engine; each unset one takes its system property's value at {@link #build()}.
     * Not thread-safe.
     */
    public static final class Builder {
        private Integer threads;
        private ForkJoinPool pool;
        private Simd simd;
        private Integer vectorSize;
        private Device device;
        private Double gpuThresholdFlops;
        private Boolean tf32;
        private Integer tile;
        private Long lossCache;

        private Builder() {
        }

        /**
         * A pool of its own with this many threads (≥ 1).
         *
         * @param n the number of threads, ≥ 1
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + n);
            }
            this.threads = n;
            this.pool = null;
            return this;
        }

        /**
         * The caller's pool instead of one of its own; its parallelism is the thread count, and closing
         * the engine leaves it running. A {@link ForkJoinPool} because a parallel section waits for its
         * parts by joining them, which a worker does while helping, so nested sections never starve it.
         *
         * @param executor the pool, left running when the engine is closed
         * @return this builder
         */
        public Builder executor(ForkJoinPool executor) {
            this.pool = Objects.requireNonNull(executor, "executor");
            this.threads = null;
            return this;
        }

        /**
         * Which kernels compute.
         *
         * @param choice the kernels
         * @return this builder
         */
        public Builder simd(Simd choice) {
            this.simd = Objects.requireNonNull(choice, "simd");
            return this;
        }

        /**
         * The width of the vector kernels' vectors: 128, 256 or 512 bits, at most the CPU's widest
         * (checked at {@link #build()}). Narrower vectors are slower; the setting exists so that one
         * machine can run, and test, what another runs: results have the same bits at every width.
         *
         * @param bits the width in bits: 128, 256 or 512
         * @return this builder
         * @throws IllegalArgumentException naming {@code vectorSize} for any other width
         */
        public Builder vectorSize(int bits) {
            if (bits != 128 && bits != 256 && bits != 512) {
                throw new IllegalArgumentException("vectorSize must be 128, 256 or 512 bits, got " + bits);
            }
            this.vectorSize = bits;
            return this;
        }

        /**
         * Where large matrix products run.
         *
         * @param where the device
         * @return this builder
         */
        public Builder device(Device where) {
            this.device = Objects.requireNonNull(where, "device");
            return this;
        }

        /**
         * With {@link Device#AUTO}: the products of at least this many flops (2·m·n·k) that go to the GPU.
         *
         * @param flops the threshold, in flops (2·m·n·k), ≥ 0
         * @return this builder
         */
        public Builder gpuThresholdFlops(double flops) {
            if (!(flops >= 0) || Double.isInfinite(flops)) {
                throw new IllegalArgumentException("gpuThresholdFlops must be a finite number ≥ 0, got " + flops);
            }
            this.gpuThresholdFlops = flops;
            return this;
        }

        /**
         * On the GPU, round the inputs of products to TF32 on tensor cores (about 1e-3 relative error).
         *
         * @param on true to use TF32
         * @return this builder
         */
        public Builder tf32(boolean on) {
            this.tf32 = on;
            return this;
        }

        /**
         * The streaming losses' tile, tile × tile similarities per task (≥ 1).
         *
         * @param size the tile, in rows, ≥ 1
         * @return this builder
         */
        public Builder tile(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("tile must be at least 1, got " + size);
            }
            this.tile = size;
            return this;
        }

        /**
         * The loss cache: how many bytes a streaming NT-Xent, DCL, DCLW, SupCon or CLIP loss may keep
         * from its forward pass for its backward pass, on the CPU. The backward pass of a tile kept
         * there weighs the kept exponentials instead of recomputing the tile's similarities and
         * exponentials, a quarter of the loss's flops; the result has the same bits either way. The
         * first tiles of each call are kept, 4 bytes per similarity, up to this many bytes and a
         * quarter of the maximum heap. Keeping every tile took 132 MiB at 2N = 8192, d = 128 and made
         * the loss 1.20–1.39× as fast as with the default; 528 MiB and 1.25–1.28× at 2N = 16384,
         * d = 512 (bench/RESULTS.md). The memory stays with the calling thread, softly reachable, for
         * its next call. Only where a loss shares one shift between rows and columns, when
         * 2·max‖r‖·max‖c‖/τ ≤ 80 (τ ≥ 0.025 for unit vectors). Default 32 MiB; 0 keeps nothing.
         *
         * @param bytes the cache in bytes, ≥ 0
         * @return this builder
         * @throws IllegalArgumentException naming {@code lossCache} when {@code bytes} is negative
         */
        public Builder lossCache(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("lossCache must be at least 0 bytes, got " + bytes);
            }
            this.lossCache = bytes;
            return this;
        }

        /**
         * The engine.
         *
         * @throws IllegalArgumentException naming the setting or system property that is invalid, or when
         *                                  {@link Simd#VECTOR} was asked for and the Vector API cannot load
         * @return the engine
         */
        public Engine build() {
            OffloadSettings offload = new OffloadSettings(
                    device != null ? device : OffloadSettings.deviceProperty(),
                    tf32 != null ? (tf32 ? Precision.TF32 : Precision.FP32) : OffloadSettings.precisionProperty(),
                    gpuThresholdFlops != null ? gpuThresholdFlops : OffloadSettings.thresholdProperty());
            Simd kernels = simd != null ? simd : Context.simdProperty();
            int bits = vectorSize != null ? vectorSize
                    : Context.named(Context.VECTOR_SIZE_PROPERTY, Context::vectorSizeProperty);
            Context.Streaming streaming = new Context.Streaming(tile != null ? tile : Context.tileProperty(),
                    lossCache != null ? lossCache : Context.lossCacheProperty());
            if (pool != null) {
                return new Engine(new Context(kernels, bits, pool, new GemmRouter(offload), streaming));
            }
            return new Engine(new Context(kernels, bits, threads != null ? threads : Context.threadsProperty(), offload,
                    streaming));
        }
    }
}
