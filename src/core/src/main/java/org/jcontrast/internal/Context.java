package org.jcontrast.internal;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcontrast.Device;
import org.jcontrast.Simd;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.kernel.KernelProvider;

/**
 * What a computation runs with: the kernels, the thread pool, the router that sends large products
 * to a GPU, and the streaming losses' {@link Streaming settings}. The public
 * {@link org.jcontrast.Engine} is a handle on one.
 *
 * <p>Code finds its context with {@link #current()}: the one bound by {@link #call} on this thread
 * (a {@link ScopedValue}, so a binding ends with its scope and never leaks into other calls), or
 * else the defaults of this JVM, made from the system properties on first use. A bad property is
 * an {@link IllegalArgumentException} naming it, thrown again at each use until it is fixed; it is
 * never cached and never an {@link ExceptionInInitializerError}. Parallel sections bind the caller's
 * context on the pool's threads, so a computation sees one context throughout.
 *
 * <p>Thread-safe: a context is immutable but for its router's lazily opened backend.
 */
public final class Context implements AutoCloseable {
    /** Threads of the default context (default: all processors). */
    public static final String THREADS_PROPERTY = "jcontrast.threads";
    /** Kernels of the default context: {@code auto}, {@code scalar} or {@code vector}. */
    public static final String SIMD_PROPERTY = "jcontrast.simd";
    /** Vector width in bits of the default context's vector kernels: 128, 256 or 512 (default: the widest the CPU has). */
    public static final String VECTOR_SIZE_PROPERTY = "jcontrast.vectorsize";
    /** Streaming tile of the default context (default: chosen per batch). */
    public static final String TILE_PROPERTY = "jcontrast.tile";
    /** Loss cache of the default context, in bytes with an optional k, m or g (default 32m). */
    public static final String LOSS_CACHE_PROPERTY = "jcontrast.losscache";

    /**
     * The streaming losses' settings: the tile, in rows (0: chosen per batch), and the loss cache, the
     * bytes a loss may keep from its forward pass for its backward pass instead of recomputing them.
     *
     * @param tile       the tile in rows, or 0 to choose it per batch
     * @param cacheBytes the loss cache in bytes, ≥ 0
     */
    public record Streaming(int tile, long cacheBytes) {
        /** The default loss cache: 32 MiB, within 128 MiB of idle RSS at 2N = 8192, d = 128 (bench/RESULTS.md). */
        public static final long DEFAULT_CACHE_BYTES = 32L << 20;
        /** A tile chosen per batch and the default loss cache. */
        public static final Streaming DEFAULT = new Streaming(0, DEFAULT_CACHE_BYTES);

        /** @throws IllegalArgumentException naming the setting when the tile or the cache is negative */
        public Streaming {
            if (tile < 0) {
                throw new IllegalArgumentException("the streaming tile must be positive (or 0 to choose per batch), got "
                        + tile);
            }
            if (cacheBytes < 0) {
                throw new IllegalArgumentException("the loss cache must be at least 0 bytes, got " + cacheBytes);
            }
        }
    }

    private static final ScopedValue<Context> CURRENT = ScopedValue.newInstance();
    private static final Object DEFAULTS_LOCK = new Object();
    private static volatile Context defaults;

    private final Simd simd;
    private final KernelProvider kernels;
    private final ForkJoinPool pool;
    private final boolean ownsPool;
    private final GemmRouter router;
    private final Streaming streaming;

    /**
     * A context with its own pool of {@code threads} daemon threads.
     *
     * @throws IllegalArgumentException naming the setting when one is invalid, or when the vector
     *                                  kernels are asked for and cannot load
     */
    public Context(Simd simd, int threads, OffloadSettings offload, Streaming streaming) {
        this(simd, 0, threads, offload, streaming);
    }

    /**
     * As {@link #Context(Simd, int, OffloadSettings, Streaming)}, with the vector kernels at {@code vectorBits}
     * (128, 256 or 512; 0 for the widest the CPU has).
     *
     * @throws IllegalArgumentException naming the setting when one is invalid, or when the vector
     *                                  kernels are asked for and cannot load or lack that width
     */
    public Context(Simd simd, int vectorBits, int threads, OffloadSettings offload, Streaming streaming) {
        this(simd, vectorBits, newPool(checkThreads(threads)), true, new GemmRouter(offload), streaming);
    }

    /**
     * A context running its parallel sections on {@code pool}, which the caller owns (closing the
     * context leaves it running), and sending products to {@code router}, which the context owns.
     */
    public Context(Simd simd, ForkJoinPool pool, GemmRouter router, Streaming streaming) {
        this(simd, 0, pool, router, streaming);
    }

    /** As {@link #Context(Simd, ForkJoinPool, GemmRouter, Streaming)}, with the vector kernels at {@code vectorBits} (0: the widest). */
    public Context(Simd simd, int vectorBits, ForkJoinPool pool, GemmRouter router, Streaming streaming) {
        this(simd, vectorBits, pool, false, router, streaming);
    }

    private Context(Simd simd, int vectorBits, ForkJoinPool pool, boolean ownsPool, GemmRouter router,
                    Streaming streaming) {
        this.simd = Objects.requireNonNull(simd, "simd");
        this.pool = Objects.requireNonNull(pool, "pool");
        this.router = Objects.requireNonNull(router, "router");
        this.streaming = Objects.requireNonNull(streaming, "streaming");
        this.kernels = KernelProvider.choose(simd, checkVectorBits(vectorBits));
        this.ownsPool = ownsPool;
    }

    /** The context bound to this thread by {@link #call}, else {@link #defaults()}. */
    public static Context current() {
        return CURRENT.isBound() ? CURRENT.get() : defaults();
    }

    /**
     * The context of code that binds none, from {@code -Djcontrast.threads}, {@code -Djcontrast.simd},
     * {@code -Djcontrast.vectorsize},
     * {@code -Djcontrast.tile}, {@code -Djcontrast.losscache}, {@code -Djcontrast.device},
     * {@code -Djcontrast.gpu.threshold} and {@code -Djcontrast.gpu.tf32}; made on first use and kept
     * while the properties were valid.
     *
     * @throws IllegalArgumentException naming the property when one is invalid
     */
    public static Context defaults() {
        Context d = defaults;
        if (d == null) {
            synchronized (DEFAULTS_LOCK) {
                d = defaults;
                if (d == null) {
                    d = new Context(simdProperty(), named(VECTOR_SIZE_PROPERTY, Context::vectorSizeProperty),
                            threadsProperty(), OffloadSettings.fromSystemProperties(),
                            new Streaming(tileProperty(), lossCacheProperty()));
                    defaults = d;
                }
            }
        }
        return d;
    }

    /** Runs {@code op} with this context bound as {@link #current()} on this thread. */
    public <T, X extends Throwable> T call(ScopedValue.CallableOp<T, X> op) throws X {
        return ScopedValue.where(CURRENT, this).call(op);
    }

    /** Runs {@code op} with this context bound, unless it already is (the cheap path of the pool's tasks). */
    public void runBound(Runnable op) {
        if (CURRENT.isBound() && CURRENT.get() == this) {
            op.run();
        } else {
            ScopedValue.where(CURRENT, this).run(op);
        }
    }

    /** The SIMD choice as asked for. */
    public Simd simd() {
        return simd;
    }

    /** The kernels of that choice. */
    public KernelProvider kernels() {
        return kernels;
    }

    /** The width in bits of the vector kernels in use, or 0 when the scalar kernels compute. */
    public int vectorBits() {
        return kernels.vectorBits();
    }

    /** The pool of the parallel sections. */
    public ForkJoinPool pool() {
        return pool;
    }

    /** The threads parallel sections use: the pool's parallelism. */
    public int threads() {
        return pool.getParallelism();
    }

    /** The router of the large matrix products. */
    public GemmRouter router() {
        return router;
    }

    /** Where products run. */
    public Device device() {
        return router.settings().device();
    }

    /** The streaming tile size, when one is fixed. */
    public OptionalInt tile() {
        return streaming.tile() == 0 ? OptionalInt.empty() : OptionalInt.of(streaming.tile());
    }

    /** The streaming losses' tile and cache. */
    public Streaming streaming() {
        return streaming;
    }

    /** Closes the router's backend and, when the context made it, shuts its pool down. The defaults are never closed. */
    @Override
    public void close() {
        if (this == defaults) {
            return;
        }
        router.close();
        if (ownsPool) {
            pool.shutdown();
        }
    }

    /** The settings in words: kernels, threads, device, tile, loss cache. */
    public String describe() {
        return kernels.describe() + "; " + threads() + " thread(s); device " + router.settings().describe()
                + "; streaming tile " + (streaming.tile() == 0 ? "per batch" : String.valueOf(streaming.tile()))
                + "; loss cache " + describeBytes(streaming.cacheBytes());
    }

    /** Bytes in the largest binary unit that divides them, as {@link #parseBytes} reads them: 32m, 1536k, 7. */
    public static String describeBytes(long bytes) {
        String[] units = {"g", "m", "k"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (30 - 10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return String.valueOf(bytes);
    }

    /**
     * A size in bytes: digits, optionally followed by k, m or g (KiB, MiB, GiB; either case), e.g.
     * {@code 640m}. Its error does not name the setting; the caller adds it.
     */
    public static long parseBytes(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n >= 0 && n <= Long.MAX_VALUE >> shift) {
                return n << shift;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be a size in bytes, digits with an optional k, m or g (e.g. 640m), got '"
                + value + "'");
    }

    private static int checkThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return threads;
    }

    /** {@code parse}'s value, or its error prefixed with the property it read. */
    public static <T> T named(String property, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + ": " + e.getMessage(), e);
        }
    }

    /** {@code -Djcontrast.simd}, default auto. */
    public static Simd simdProperty() {
        return named(SIMD_PROPERTY, () -> Simd.parse(System.getProperty(SIMD_PROPERTY, "")));
    }

    /**
     * {@code -Djcontrast.vectorsize}: 128, 256 or 512, or 0 when unset (the widest the CPU has). Its
     * error does not name the property; {@link #named} adds it.
     */
    public static int vectorSizeProperty() {
        String value = System.getProperty(VECTOR_SIZE_PROPERTY);
        if (value == null || value.isBlank()) {
            return 0;
        }
        int bits;
        try {
            bits = checkVectorBits(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be 128, 256 or 512 (bits), got '" + value + "'");
        }
        List<Integer> widths = KernelProvider.vectorWidths();
        if (!widths.isEmpty() && !widths.contains(bits)) {
            throw new IllegalArgumentException("must be one of " + widths + " (bits) on this CPU, got " + bits);
        }
        return bits;
    }

    /** {@code bits} when it is 0 (the widest), 128, 256 or 512. */
    public static int checkVectorBits(int bits) {
        if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("the vector size must be 128, 256 or 512 bits, got " + bits);
        }
        return bits;
    }

    /** {@code -Djcontrast.threads}, default all processors. */
    public static int threadsProperty() {
        String value = System.getProperty(THREADS_PROPERTY);
        return value == null || value.isBlank() ? Runtime.getRuntime().availableProcessors()
                : positiveInt(THREADS_PROPERTY, value);
    }

    /** {@code -Djcontrast.tile}, or 0 when unset (chosen per batch). */
    public static int tileProperty() {
        String value = System.getProperty(TILE_PROPERTY);
        return value == null || value.isBlank() ? 0 : positiveInt(TILE_PROPERTY, value);
    }

    /** {@code -Djcontrast.losscache}, or {@link Streaming#DEFAULT_CACHE_BYTES} when unset. */
    public static long lossCacheProperty() {
        String value = System.getProperty(LOSS_CACHE_PROPERTY);
        return value == null || value.isBlank() ? Streaming.DEFAULT_CACHE_BYTES
                : named(LOSS_CACHE_PROPERTY, () -> parseBytes(value));
    }

    private static int positiveInt(String property, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + property + " must be a positive integer, got '" + value + "'");
    }

    /**
     * A pool of at most {@code n} workers: a worker waiting on a join helps with other tasks or waits,
     * instead of having the pool start a spare thread (ForkJoinPool's default), which put three busy
     * threads on two cores in the streaming losses' many short rounds.
     */
    private static ForkJoinPool newPool(int n) {
        // Numbered here: a worker's pool index is not assigned yet when the factory names it.
        AtomicInteger next = new AtomicInteger();
        return new ForkJoinPool(n, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("jcontrast-" + next.getAndIncrement());
            t.setDaemon(true);
            return t;
        }, null, false, 0, n, 1, p -> true, 60, TimeUnit.SECONDS);
    }
}
