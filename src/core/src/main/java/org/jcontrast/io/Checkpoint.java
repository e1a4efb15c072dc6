package org.jcontrast.io;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * A training checkpoint: string metadata (epoch, step, seed, the configuration as JSON...) and
 * named float32 tensors (model parameters, optimiser state), in the binary format of
 * {@code docs/checkpoint-format.md}: magic bytes, format version, the metadata entries, the
 * tensors (name, shape, little-endian data), then a CRC32 of everything before it. No Java
 * serialisation: reading a file never runs code from it, and every length is checked against
 * the file's size before anything is allocated.
 *
 * <p>Writing goes to a temporary file beside the target, then renames it, so an interrupted
 * save leaves the previous checkpoint intact.
 * <p>Not thread-safe while its tensors are written; reading a checkpoint from several threads is
 * safe once no thread writes to it or to the tensors it holds.
 */
public final class Checkpoint {
    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** First 8 bytes: a non-ASCII byte, "JCKP", then CR LF and Ctrl-Z, which text-mode transfers mangle. */
    static final byte[] MAGIC = {(byte) 0x89, 'J', 'C', 'K', 'P', '\r', '\n', 0x1A};
    private static final int MAX_NAME_BYTES = 0xFFFF;
    private static final int MAX_VALUE_BYTES = 1 << 24;
    private static final String UNSAVED = "<unsaved checkpoint>";

    private final String source;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;

    /**
     * A checkpoint to write: copies of the maps, keeping their order (the tensors are not copied).
     *
     * @param metadata the text entries, by key
     * @param tensors the tensors, by name
     */
    public Checkpoint(Map<String, String> metadata, Map<String, Tensor> tensors) {
        this(UNSAVED, metadata, tensors);
    }

    private Checkpoint(String source, Map<String, String> metadata, Map<String, Tensor> tensors) {
        this.source = source;
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * The file it was read from, as errors name it.
     *
     * @return the file's name, or a placeholder for a checkpoint not read from a file
     */
    public String source() {
        return source;
    }

    /**
     * The metadata entries, in file order.
     *
     * @return the metadata entries, in file order
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The tensors by name, in file order.
     *
     * @return the tensors by name, in file order
     */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /**
     * Metadata entry {@code key}; a {@link FormatException} naming the file if it is missing.
     *
     * @param key the entry's key
     * @return the entry's value
     * @throws FormatException naming the file and the key when the entry is missing
     */
    public String get(String key) throws FormatException {
        String v = metadata.get(key);
        if (v == null) {
            throw new FormatException(source, "has no metadata entry '" + key + "'");
        }
        return v;
    }

    /**
     * Metadata entry {@code key} as a long.
     *
     * @param key the entry's key
     * @return the entry's value
     * @throws FormatException naming the file and the key when the entry is missing or not an integer
     */
    public long getLong(String key) throws FormatException {
        String v = get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FormatException(source, "metadata entry '" + key + "' is '" + v + "', not an integer");
        }
    }

    /**
     * Copies the saved tensors into {@code targets} (e.g. the live parameters and optimiser state).
     * The names must match exactly and every shape must agree; nothing is copied otherwise.
     *
     * @param targets the live tensors to overwrite, by name
     * @throws FormatException naming the tensor when a name is missing or extra, or a shape differs
     */
    public void restoreInto(Map<String, Tensor> targets) throws FormatException {
        List<String> extra = new ArrayList<>(tensors.keySet());
        extra.removeAll(targets.keySet());
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            Tensor saved = tensors.get(e.getKey());
            if (saved == null) {
                throw new FormatException(source, "has no tensor '" + e.getKey() + "' to restore");
            }
            if (!saved.sameShape(e.getValue())) {
                throw new FormatException(source, "tensor '" + e.getKey() + "' has shape " + saved.shapeString()
                        + " but the model expects " + e.getValue().shapeString());
            }
        }
        if (!extra.isEmpty()) {
            throw new FormatException(source, "holds tensors the model does not have: " + extra);
        }
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            e.getValue().copyFrom(tensors.get(e.getKey()));
        }
    }

    // ---- writing ----

    /**
     * Writes the checkpoint to {@code file} crash-safely (see {@link DurableFiles#write}).
     *
     * @param file where to write; replaced if it exists
     * @throws IOException when the file or its temporary sibling cannot be written or renamed
     */
    public void write(Path file) throws IOException {
        DurableFiles.write(file, encode());
    }

    private byte[] encode() {
        long size = MAGIC.length + 4 + 4 + 4 + 4;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            size += 2 + utf8(e.getKey(), "metadata key", MAX_NAME_BYTES).length
                    + 4 + utf8(e.getValue(), "metadata value", MAX_VALUE_BYTES).length;
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            size += 2 + utf8(e.getKey(), "tensor name", MAX_NAME_BYTES).length + 1 + 4L * e.getValue().rank()
                    + 4L * e.getValue().size();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("checkpoint of " + size + " bytes is larger than the 2 GiB this format "
                    + "version holds");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(metadata.size());
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            byte[] key = utf8(e.getKey(), "metadata key", MAX_NAME_BYTES);
            byte[] value = utf8(e.getValue(), "metadata value", MAX_VALUE_BYTES);
            b.putShort((short) key.length).put(key).putInt(value.length).put(value);
        }
        b.putInt(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            byte[] name = utf8(e.getKey(), "tensor name", MAX_NAME_BYTES);
            Tensor t = e.getValue();
            b.putShort((short) name.length).put(name).put((byte) t.rank());
            for (int d = 0; d < t.rank(); d++) {
                b.putInt(t.dim(d));
            }
            b.asFloatBuffer().put(t.array(), t.offset(), t.size());
            b.position(b.position() + 4 * t.size());
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private static byte[] utf8(String s, String what, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > max || (bytes.length == 0 && !what.equals("metadata value"))) {
            throw new IllegalArgumentException("checkpoint " + what + " '" + s + "' must be 1 to " + max
                    + " bytes of UTF-8");
        }
        return bytes;
    }

    // ---- reading ----

    /**
     * Reads and validates {@code file}.
     *
     * @param file the checkpoint file
     * @throws FormatException naming the file when it is not a checkpoint, has another format
     *         version, is truncated, fails its CRC32 check or is inconsistent
     * @return the checkpoint, its tensors read into memory
     */
    public static Checkpoint read(Path file) throws IOException {
        String src = file.toString();
        long fileSize = Files.size(file);
        if (fileSize > Integer.MAX_VALUE - 8) {
            throw new FormatException(src, "is " + fileSize + " bytes, larger than any checkpoint of format version "
                    + VERSION);
        }
        byte[] bytes = Files.readAllBytes(file);
        return decode(bytes, src);
    }

    static Checkpoint decode(byte[] bytes, String src) throws FormatException {
        int headerSize = MAGIC.length + 4;
        for (int i = 0; i < Math.min(MAGIC.length, bytes.length); i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new FormatException(src, "not a jcontrast checkpoint (its first bytes are not the checkpoint "
                        + "magic)");
            }
        }
        if (bytes.length < headerSize + 4 + 4 + 4) {
            throw new FormatException(src, "truncated: " + bytes.length + " bytes is shorter than an empty checkpoint");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(MAGIC.length);
        if (version != VERSION) {
            throw new FormatException(src, "checkpoint format version " + Integer.toUnsignedString(version)
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        int body = bytes.length - 4;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        if ((int) crc.getValue() != b.getInt(body)) {
            throw new FormatException(src, "CRC32 mismatch: the file is truncated or corrupt");
        }
        b.position(headerSize).limit(body);
        try {
            Map<String, String> metadata = new LinkedHashMap<>();
            int entries = count(b, src, 6, "metadata entries");
            for (int i = 0; i < entries; i++) {
                String key = string(b, Short.toUnsignedInt(b.getShort()), 1, src, "metadata key");
                String value = string(b, b.getInt(), 0, src, "metadata value of '" + key + "'");
                if (metadata.put(key, value) != null) {
                    throw new FormatException(src, "metadata key '" + key + "' appears twice");
                }
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            int count = count(b, src, 3, "tensors");
            for (int i = 0; i < count; i++) {
                String name = string(b, Short.toUnsignedInt(b.getShort()), 1, src, "tensor name");
                Tensor t = tensor(b, src, name);
                if (tensors.put(name, t) != null) {
                    throw new FormatException(src, "tensor '" + name + "' appears twice");
                }
            }
            if (b.hasRemaining()) {
                throw new FormatException(src, b.remaining() + " unexpected bytes after the last tensor");
            }
            return new Checkpoint(src, metadata, tensors);
        } catch (BufferUnderflowException e) {
            throw new FormatException(src, "inconsistent: a length points past the end of the file", e);
        }
    }

    /** A count whose items need at least {@code minBytes} each, checked against what is left. */
    private static int count(ByteBuffer b, String src, int minBytes, String what) throws FormatException {
        int n = b.getInt();
        if (n < 0 || (long) n * minBytes > b.remaining()) {
            throw new FormatException(src, "inconsistent: " + Integer.toUnsignedString(n) + " " + what
                    + " cannot fit in the " + b.remaining() + " bytes left");
        }
        return n;
    }

    /** A UTF-8 string of {@code length} bytes, at least {@code min}; malformed UTF-8 is refused, never replaced. */
    private static String string(ByteBuffer b, int length, int min, String src, String what) throws FormatException {
        if (length < 0 || length > b.remaining()) {
            throw new FormatException(src, "inconsistent: the " + what + " is longer than the rest of the file");
        }
        if (length < min || length > MAX_VALUE_BYTES) {
            throw new FormatException(src, "the " + what + " is " + Integer.toUnsignedString(length) + " bytes long, "
                    + "outside " + min + ".." + MAX_VALUE_BYTES);
        }
        ByteBuffer bytes = b.slice(b.position(), length);
        b.position(b.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(src, "the " + what + " is not valid UTF-8", e);
        }
    }

    private static Tensor tensor(ByteBuffer b, String src, String name) throws FormatException {
        int rank = Byte.toUnsignedInt(b.get());
        if (rank > 2) {
            throw new FormatException(src, "tensor '" + name + "' has rank " + rank + "; at most 2 is supported");
        }
        int[] shape = new int[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = b.getInt();
            if (shape[d] < 0) {
                throw new FormatException(src, "tensor '" + name + "' has a negative dimension");
            }
            size *= shape[d]; // two int dimensions: the product fits in a long
        }
        if (size > b.remaining() / 4) {
            throw new FormatException(src, "inconsistent: tensor '" + name + "' of shape " + Shapes.toString(shape)
                    + " needs " + size + " float32 values, " + b.remaining() + " bytes are left");
        }
        float[] data = new float[(int) size];
        b.asFloatBuffer().get(data);
        b.position(b.position() + 4 * data.length);
        return Tensor.wrap(data, shape);
    }
}
