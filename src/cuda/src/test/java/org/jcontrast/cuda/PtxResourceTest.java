package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX resource against the CUDA sources it was generated from, without nvcc: the hash
 * of {@code src/main/cuda} that {@code gen-ptx.sh} wrote into its header must be the sources' hash
 * now, so editing a kernel without regenerating fails here. It also declares every kernel
 * {@link LossKernels} launches, for the target and PTX version the script documents.
 */
class PtxResourceTest {
    private static final Path SOURCES = Path.of("src/main/cuda");

    private static String resource() throws IOException {
        try (InputStream in = LossKernels.class.getResourceAsStream(LossKernels.RESOURCE)) {
            assertNotNull(in, "the PTX resource is on the class path");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** SHA-256 of every .cu and .h file of the sources, in byte order of their names, concatenated (as gen-ptx.sh). */
    private static String sourcesHash() throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> listing = Files.list(SOURCES)) {
            files = listing.filter(p -> p.toString().endsWith(".cu") || p.toString().endsWith(".h"))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        }
        assertTrue(files.size() >= 2, "sources found: " + files);
        for (Path f : files) {
            sha.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void theResourceWasGeneratedFromTheSourcesAsTheyAre() throws IOException, NoSuchAlgorithmException {
        Matcher header = Pattern.compile("(?m)^// jcontrast-sources-sha256: ([0-9a-f]{64})$").matcher(resource());
        assertTrue(header.find(), "the PTX resource has the header gen-ptx.sh writes");
        assertEquals(sourcesHash(), header.group(1),
                "src/main/cuda changed since the PTX was generated: run src/cuda/gen-ptx.sh and commit its output");
    }

    @Test
    void itDeclaresEveryKernelForTheDocumentedTarget() throws IOException {
        String ptx = resource();
        assertTrue(ptx.contains("\n.version 7.0\n"), "PTX ISA 7.0: drivers since CUDA 11.0 load it");
        assertTrue(ptx.contains("\n.target sm_75\n"), "compute_75: every card since Turing JIT-compiles it");
        for (String kernel : List.of(LossKernels.OBSERVE_SHARED, LossKernels.OBSERVE_ROWS, LossKernels.OBSERVE_COLUMNS,
                LossKernels.GRADIENT)) {
            assertTrue(ptx.contains(".visible .entry " + kernel + "("), kernel);
        }
    }
}
