package org.jcontrast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.io.FormatException;

/**
 * A seeded mutation fuzzer for file readers, run as an ordinary test with a fixed number of inputs
 * (the same inputs on every run, so a failure reproduces).
 *
 * <p>The corpus is every file in {@code src/test/resources/fuzz/<name>/}: valid files of the format
 * and every input that once broke the invariant (kept as regression tests). Each corpus file is
 * checked as it is, then mutated: bits flipped, bytes and integers of 1 to 8 bytes set to
 * boundary values, runs of digits replaced by huge or negative numbers, ranges deleted, repeated or
 * cut, random bytes appended, and files spliced.
 *
 * <p>The invariant for every input: the reader either returns (and the target's own oracle, which
 * decodes the input independently, agrees with what it read) or throws a {@link FormatException}
 * whose message starts with the source's name; never another exception or error; and the bytes the
 * read allocates stay within {@code allocationFactor} times the input's size plus a fixed 4 MiB, so
 * a size field cannot make it allocate more than the file justifies. A failing input is written to
 * {@code target/fuzz-failures/<name>/} to be added to the corpus once fixed.
 */
public final class ReaderFuzzer {
    private static final long SLACK_BYTES = 4L << 20;
    private static final long[] INTEGERS = {0, 1, -1, 2, 127, 128, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 7, 0x80000000L, 0xffffffffL, 0x100000000L,
        1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] NUMBERS = {"0", "1", "-1", "2147483647", "2147483648", "4294967296",
        "4611686018427387904", "4611686018427387920", "9223372036854775807", "9223372036854775808",
        "99999999999999999999", "-9223372036854775808", "1e308", "0.5", "+3"};
    private static final byte[] BYTES = {0, 1, 0x7f, (byte) 0x80, (byte) 0xff, '(', ')', ',', '\'', '"', ' ', '-',
        'L', '{', '}', '[', ':', '\n', '0', '9'};

    /** A reader under test, with its oracle: it returns after checking what it read, or throws. */
    @FunctionalInterface
    public interface Target {
        /** Reads {@code input}, naming it {@code source}; throws AssertionError if what it read is wrong. */
        void read(byte[] input, String source) throws Exception;
    }

    private final String name;
    private final Target target;
    private final double allocationFactor;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * @param name             the corpus folder under {@code fuzz/} and the name in messages
     * @param allocationFactor allowed allocation per input byte (a reader that widens bytes to floats
     *                         and parses text allocates several times its input in passing)
     */
    public ReaderFuzzer(String name, double allocationFactor, Target target) {
        this.name = name;
        this.allocationFactor = allocationFactor;
        this.target = target;
    }

    /** The corpus: the files of {@code src/test/resources/fuzz/<name>/}, in name order. */
    public List<byte[]> corpus() {
        Path dir = Path.of("src/test/resources/fuzz", name);
        try (Stream<Path> files = Files.list(dir)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
            if (out.isEmpty()) {
                throw new AssertionError("the fuzz corpus " + dir + " is empty");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many inputs a run read and how many it refused. */
    public record Tally(int read, int refused) {
        /** Both outcomes happened: the mutants reached past the first checks, and the checks refused some. */
        public boolean both() {
            return read > 0 && refused > 0;
        }
    }

    /**
     * Checks every corpus file, then {@code inputs} mutants drawn from {@code seed}: the fixed budget
     * of the test suite. {@code -Djcontrast.fuzz.inputs=N} and {@code -Djcontrast.fuzz.seed=S} run
     * N mutants from another seed instead, for a longer search by hand.
     */
    public Tally run(long seed, int inputs) {
        inputs = Integer.getInteger("jcontrast.fuzz.inputs", inputs);
        seed += Long.getLong("jcontrast.fuzz.seed", 0L);
        List<byte[]> corpus = corpus();
        int refused = 0;
        for (int i = 0; i < corpus.size(); i++) {
            refused += check(corpus.get(i), "corpus file " + i);
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < inputs; i++) {
            byte[] input = corpus.get(random.nextInt(corpus.size()));
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                input = mutate(input, corpus, random);
            }
            refused += check(input, "mutant " + i + " of seed " + seed);
        }
        return new Tally(corpus.size() + inputs - refused, refused);
    }

    /** 1 when the input was refused, 0 when it was read; an AssertionError when the invariant breaks. */
    private int check(byte[] input, String which) {
        String source = "target/" + name + "-input.bin";
        long before = threads.getCurrentThreadAllocatedBytes();
        int refused = 0;
        try {
            target.read(input, source);
        } catch (FormatException e) {
            if (!e.getMessage().startsWith(source + ": ") || e.getMessage().length() <= source.length() + 2) {
                fail(input, which, "the FormatException does not name the source and the problem: " + e.getMessage(),
                        e);
            }
            refused = 1;
        } catch (Throwable e) {
            fail(input, which, "threw " + e, e);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        if (allocated > allocationFactor * input.length + SLACK_BYTES) {
            fail(input, which, "allocated " + allocated + " bytes for an input of " + input.length, null);
        }
        return refused;
    }

    private void fail(byte[] input, String which, String what, Throwable cause) {
        Path dir = Path.of("target/fuzz-failures", name);
        String file = "failure-" + Integer.toHexString(Arrays.hashCode(input)) + ".bin";
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(name + " " + which + " (saved as " + dir.resolve(file) + "; once fixed, move it "
                + "to src/test/resources/fuzz/" + name + "/): " + what, cause);
    }

    private static byte[] mutate(byte[] in, List<byte[]> corpus, SplittableRandom r) {
        int n = in.length;
        byte[] out = in.clone();
        switch (r.nextInt(9)) {
            case 0 -> {
                if (n > 0) {
                    out[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            case 1 -> {
                if (n > 0) {
                    out[r.nextInt(n)] = BYTES[r.nextInt(BYTES.length)];
                }
            }
            case 2 -> {
                int width = 1 << r.nextInt(4);
                if (n >= width) {
                    long v = INTEGERS[r.nextInt(INTEGERS.length)];
                    int at = r.nextInt(n - width + 1);
                    boolean little = r.nextBoolean();
                    for (int b = 0; b < width; b++) {
                        out[at + (little ? b : width - 1 - b)] = (byte) (v >>> (8 * b));
                    }
                }
            }
            case 3 -> out = replaceNumber(in, r);
            case 4 -> {
                if (n > 0) {
                    int from = r.nextInt(n), to = Math.min(n, from + 1 + r.nextInt(16));
                    out = concat(Arrays.copyOf(in, from), Arrays.copyOfRange(in, to, n));
                }
            }
            case 5 -> {
                if (n > 0) {
                    int from = r.nextInt(n), to = Math.min(n, from + 1 + r.nextInt(64));
                    out = concat(Arrays.copyOf(in, to), Arrays.copyOfRange(in, from, n));
                }
            }
            case 6 -> out = Arrays.copyOf(in, n == 0 ? 0 : r.nextInt(n));
            case 7 -> {
                byte[] tail = new byte[1 + r.nextInt(32)];
                for (int i = 0; i < tail.length; i++) {
                    tail[i] = (byte) r.nextInt(256);
                }
                out = concat(in, tail);
            }
            default -> {
                byte[] other = corpus.get(r.nextInt(corpus.size()));
                out = concat(Arrays.copyOf(in, r.nextInt(n + 1)), Arrays.copyOfRange(other,
                        r.nextInt(other.length + 1), other.length));
            }
        }
        return out;
    }

    /** A run of ASCII digits (if any) replaced by a boundary number. */
    private static byte[] replaceNumber(byte[] in, SplittableRandom r) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < in.length; i++) {
            if (isDigit(in[i]) && (i == 0 || !isDigit(in[i - 1]))) {
                starts.add(i);
            }
        }
        if (starts.isEmpty()) {
            return in;
        }
        int from = starts.get(r.nextInt(starts.size())), to = from;
        while (to < in.length && isDigit(in[to])) {
            to++;
        }
        byte[] number = NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        return concat(concat(Arrays.copyOf(in, from), number), Arrays.copyOfRange(in, to, in.length));
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
