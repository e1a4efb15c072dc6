package org.jcontrast.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * A shared library opened for the life of the JVM, and the downcalls bound from it. It is never
 * unloaded: the CUDA libraries start threads and register exit hooks that must outlive our use.
 */
@SuppressWarnings("restricted") // calling native code is this class's purpose
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /** Loads the library in {@code file}. */
    static NativeLibrary load(Path file) throws BackendUnavailableException {
        try {
            return new NativeLibrary(file.toString(), SymbolLookup.libraryLookup(file, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            throw new BackendUnavailableException("could not load " + file + ": " + e.getMessage());
        }
    }

    /** Loads a library by name from the system's search path (LD_LIBRARY_PATH, ldconfig), if it is there. */
    static Optional<NativeLibrary> find(String soname) {
        try {
            return Optional.of(new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The file or name it was loaded from, for messages. */
    String name() {
        return name;
    }

    /** A downcall to a function the library must export. */
    MethodHandle bind(String symbol, FunctionDescriptor descriptor) throws BackendUnavailableException {
        return lookup.find(symbol).map(address -> LINKER.downcallHandle(address, descriptor)).orElseThrow(
                () -> new BackendUnavailableException(name + " has no function " + symbol));
    }

    /** A downcall to the first of {@code symbols} the library exports, if any. */
    Optional<MethodHandle> bindFirst(FunctionDescriptor descriptor, String... symbols) {
        for (String symbol : symbols) {
            Optional<MethodHandle> handle = lookup.find(symbol).map(a -> LINKER.downcallHandle(a, descriptor));
            if (handle.isPresent()) {
                return handle;
            }
        }
        return Optional.empty();
    }

    /** What {@code invokeExact} threw, unchecked: downcalls throw nothing checked in practice. */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
