package org.jcontrast.simclr.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jcontrast.io.FormatException;
import org.jcontrast.simclr.data.Streams;
import org.jcontrast.tensor.Tensor;

/**
 * Reader for the UCI Optical Recognition of Handwritten Digits data (Alpaydin &amp; Kaynak 1998,
 * doi:10.24432/C50P49, CC BY 4.0) as CSV, gzipped or not: one 8×8 image per line, 64 pixel counts
 * 0..16 in row-major order, then the digit 0..9. Blank lines are skipped; there is no header.
 * <p>Stateless and thread-safe.
 */
public final class DigitsCsv {
    private static final int SIDE = 8;
    private static final int PIXELS = SIDE * SIDE;
    private static final int MAX_COUNT = 16;
    private static final int CLASSES = 10;
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,10}");

    private DigitsCsv() {
    }

    /**
     * Loads the file; the dataset is named "digits".
     *
     * @param file the CSV file, gzipped or not
     * @return the images and labels
     * @throws IOException when it cannot be read, or a {@link FormatException} naming the file, the line and the
     *     problem
     */
    public static Dataset load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads CSV lines from {@code in}; {@code source} names it in errors.
     *
     * @param in the CSV text, gzipped or not
     * @param source names the stream in error messages
     * @return the images and labels
     * @throws IOException when it cannot be read, or a {@link FormatException} naming the source, the line and the
     *     problem
     */
    public static Dataset read(InputStream in, String source) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Streams.maybeGunzip(in, source),
                StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                float[] pixels = new float[PIXELS];
                labels.add(parseLine(line.strip(), pixels, source, lineNo));
                rows.add(pixels);
            }
        }
        if (rows.isEmpty()) {
            throw new FormatException(source, "holds no images");
        }
        Tensor images = Tensor.zeros(rows.size(), PIXELS);
        int[] labelArray = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, images.array(), i * PIXELS, PIXELS);
            labelArray[i] = labels.get(i);
        }
        return new Dataset("digits", images, labelArray, SIDE, SIDE, Dataset.numberedClasses(CLASSES));
    }

    /** Fills {@code pixels} (scaled to [0, 1]) and returns the label of one CSV line. */
    private static int parseLine(String line, float[] pixels, String source, int lineNo) throws FormatException {
        String[] cells = line.split(",", -1);
        if (cells.length != PIXELS + 1) {
            throw new FormatException(source, "line " + lineNo + " has " + cells.length + " columns, expected "
                    + (PIXELS + 1) + " (64 pixels then the label)");
        }
        for (int p = 0; p < PIXELS; p++) {
            pixels[p] = cell(cells[p], MAX_COUNT, source, lineNo, "column " + (p + 1)) / (float) MAX_COUNT;
        }
        return cell(cells[PIXELS], CLASSES - 1, source, lineNo, "the label");
    }

    private static int cell(String text, int max, String source, int lineNo, String what) throws FormatException {
        String t = text.strip();
        // ASCII digits only: parseInt would also take other scripts' digits
        if (!INTEGER.matcher(t).matches()) {
            String shown = t.length() > 20 ? t.substring(0, 20) + "..." : t;
            throw new FormatException(source, "line " + lineNo + ", " + what + ": '" + shown + "' is not an integer");
        }
        long v = Long.parseLong(t);
        if (v < 0 || v > max) {
            throw new FormatException(source, "line " + lineNo + ", " + what + ": " + v + " is outside 0.." + max);
        }
        return (int) v;
    }
}
