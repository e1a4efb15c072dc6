package org.jcontrast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.jcontrast.testing.ReaderFuzzer;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint reader fuzzed ({@link ReaderFuzzer}). Mutants get a correct CRC32 before they are
 * read, so that the checks behind it are reached; a checkpoint that is read must write back to the
 * very bytes it was read from (nothing replaced, dropped or reinterpreted on the way).
 */
class CheckpointFuzzTest {
    private static final int INPUTS = 4000;

    @Test
    void checkpointsAreReadExactlyOrRefusedNamingTheFile() {
        Path rewritten = Path.of("target/checkpoint-fuzz-rewritten.jckp");
        ReaderFuzzer.Tally tally = new ReaderFuzzer("checkpoint", 8, (input, source) -> {
            byte[] bytes = withCrc(input);
            Checkpoint c = Checkpoint.decode(bytes, source);
            try {
                new Checkpoint(c.metadata(), c.tensors()).write(rewritten);
                assertArrayEquals(bytes, Files.readAllBytes(rewritten), "the checkpoint read does not write back");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).run(3, INPUTS);
        assertTrue(tally.both(), tally.toString());
    }

    /** The input with its last 4 bytes replaced by the CRC32 of the rest (inputs too short are left as they are). */
    private static byte[] withCrc(byte[] input) {
        if (input.length < 4) {
            return input;
        }
        byte[] out = Arrays.copyOf(input, input.length);
        CRC32 crc = new CRC32();
        crc.update(out, 0, out.length - 4);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(out.length - 4, (int) crc.getValue());
        return out;
    }
}
