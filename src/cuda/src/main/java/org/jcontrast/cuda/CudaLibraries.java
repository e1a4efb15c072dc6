package org.jcontrast.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * Finds libcudart and libcublas: by versioned name, newest first, on the system's search path, or
 * only where {@code -Djcontrast.cuda.path} points. That is a directory holding both libraries, or
 * the libcudart file itself with libcublas next to it. The driver's libcuda, which the resident
 * streaming losses load their kernels with, is looked for the same way.
 */
final class CudaLibraries {
    /** The system property that names where the libraries are. */
    static final String PATH_PROPERTY = "jcontrast.cuda.path";
    /** Suffixes tried in order: the CUDA majors we know, then the unversioned development link. */
    private static final List<String> VERSIONS = List.of(".so.13", ".so.12", ".so.11", ".so");
    /** The driver library's one ABI version, then the development link. */
    private static final List<String> DRIVER_VERSIONS = List.of(".so.1", ".so");

    private CudaLibraries() {
    }

    /** The value of {@code -Djcontrast.cuda.path}, if set. */
    static Optional<Path> overrideFromProperty() {
        String path = System.getProperty(PATH_PROPERTY, "").trim();
        return path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path));
    }

    /** Opens libcudart. */
    static NativeLibrary openRuntime(Optional<Path> override) throws BackendUnavailableException {
        if (override.isPresent() && Files.isRegularFile(override.get())) {
            return NativeLibrary.load(override.get());
        }
        return open("libcudart", VERSIONS, directory(override));
    }

    /** Opens libcublas, preferring the CUDA major version of the runtime already open. */
    static NativeLibrary openBlas(Optional<Path> override, NativeLibrary runtime) throws BackendUnavailableException {
        List<String> order = new ArrayList<>(VERSIONS);
        VERSIONS.stream().filter(runtime.name()::endsWith).findFirst().ifPresent(v -> {
            order.remove(v);
            order.addFirst(v);
        });
        return open("libcublas", order, directory(override));
    }

    /** Opens the driver's libcuda. */
    static NativeLibrary openDriver(Optional<Path> override) throws BackendUnavailableException {
        return open("libcuda", DRIVER_VERSIONS, directory(override));
    }

    private static Optional<Path> directory(Optional<Path> override) throws BackendUnavailableException {
        if (override.isEmpty()) {
            return Optional.empty();
        }
        Path path = override.get();
        if (Files.isDirectory(path)) {
            return Optional.of(path);
        }
        if (Files.isRegularFile(path)) {
            return Optional.of(path.toAbsolutePath().getParent());
        }
        throw new BackendUnavailableException("-D" + PATH_PROPERTY + "=" + path + " does not exist");
    }

    private static NativeLibrary open(String base, List<String> versions, Optional<Path> directory)
            throws BackendUnavailableException {
        List<String> tried = new ArrayList<>();
        for (String version : versions) {
            String name = base + version;
            tried.add(name);
            if (directory.isPresent()) {
                Path file = directory.get().resolve(name);
                if (Files.exists(file)) {
                    return NativeLibrary.load(file); // present but unloadable is its own error
                }
            } else {
                Optional<NativeLibrary> found = NativeLibrary.find(name);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new BackendUnavailableException(base + " not found: tried " + String.join(", ", tried)
                + directory.map(d -> " in " + d).orElse(" on the system library path (-D" + PATH_PROPERTY
                        + "=DIR looks elsewhere)"));
    }
}
