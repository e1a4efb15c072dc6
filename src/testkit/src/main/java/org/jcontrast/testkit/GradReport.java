package org.jcontrast.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.jcontrast.tensor.Tensor;

/**
 * The outcome of comparing analytic gradients (or any float32 results) with their float64
 * references under a {@link Tolerance}: whether every entry passed and, if not, where it failed
 * (input, row, column, both values, the relative error) with the seed that reproduces the inputs.
 * {@link #toString()} is the human-readable report, {@link #toJson()} the same as one JSON object.
 * Immutable and thread-safe.
 */
public final class GradReport {
    /** How many failing entries a report keeps (the worst ones); {@link #failureCount()} counts them all. */
    public static final int KEPT_FAILURES = 20;

    private final String subject;
    private final Tolerance tolerance;
    private final OptionalLong seed;
    private final List<Mismatch> failures;
    private final int failureCount;
    private final Mismatch worst;
    private final Row worstRow;

    /**
     * One compared input: its analytic values and numeric references, both row-major [rows, cols],
     * and how uncertain each reference is.
     *
     * @param name        the input's name in the report (e.g. {@code z1})
     * @param rows        the rows (1 for a vector or a scalar)
     * @param cols        the columns
     * @param analytic    the values under test
     * @param numeric     the float64 references
     * @param uncertainty each reference's own error bound, added to the allowed error (null: none)
     */
    public record Input(String name, int rows, int cols, double[] analytic, double[] numeric, double[] uncertainty) {
        /** Checks that the arrays hold rows · cols values. */
        public Input {
            if (analytic.length != rows * cols || numeric.length != rows * cols
                    || uncertainty != null && uncertainty.length != rows * cols) {
                throw new IllegalArgumentException(name + ": " + analytic.length + " analytic and " + numeric.length
                        + " numeric values for a [" + rows + ", " + cols + "] input");
            }
        }

        /**
         * The input {@code name} with exact references and a tensor's values (read as rows of its last dimension).
         *
         * @param name the input's name in the report
         * @param analytic the values under test
         * @param numeric their float64 references, as many, row-major
         * @return the input
         */
        public static Input of(String name, Tensor analytic, double[] numeric) {
            return of(name, analytic, numeric, null);
        }

        /**
         * The same with each reference's uncertainty.
         *
         * @param name the input's name in the report
         * @param analytic the values under test
         * @param numeric their float64 references, as many, row-major
         * @param uncertainty each reference's uncertainty, added to the error allowed; null for none
         * @return the input
         */
        public static Input of(String name, Tensor analytic, double[] numeric, double[] uncertainty) {
            int cols = analytic.rank() == 0 ? 1 : analytic.dim(analytic.rank() - 1);
            int rows = cols == 0 ? 0 : analytic.size() / cols;
            return new Input(name, rows, cols, analytic.toDoubleArray(), numeric, uncertainty);
        }
    }

    /**
     * One entry compared.
     *
     * @param input    the input's name
     * @param row      the row (0-based)
     * @param col      the column (0-based)
     * @param analytic the value under test
     * @param numeric  its float64 reference
     * @param scale    the row's scale under the tolerance (see {@link Tolerance})
     * @param allowed  the error allowed: the tolerance times the scale, plus the reference's uncertainty
     */
    public record Mismatch(String input, int row, int col, double analytic, double numeric, double scale,
                           double allowed) {
        /**
         * The absolute error.
         *
         * @return |analytic − numeric|
         */
        public double error() {
            return Math.abs(analytic - numeric);
        }

        /**
         * The error as a fraction of the row's scale.
         *
         * @return error / scale; infinite when the scale is 0 and the error is not
         */
        public double relativeError() {
            double e = error();
            return e == 0 ? 0 : e / scale;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s[%d][%d]: analytic %.6g, numeric %.6g, error %.3g = %.3g × row scale "
                    + "%.3g (allowed %.3g)", input, row, col, analytic, numeric, error(), relativeError(), scale, allowed);
        }
    }

    /**
     * The whole row holding the worst entry, for a reader to see the pattern (a sign, a factor).
     *
     * @param input    the input's name
     * @param row      the row
     * @param analytic the row's values under test
     * @param numeric  the row's references
     * @param scale    the row's scale under the tolerance
     */
    public record Row(String input, int row, double[] analytic, double[] numeric, double scale) {
        @Override
        public String toString() {
            return input + "[" + row + "]: analytic " + format(analytic) + ", numeric " + format(numeric)
                    + String.format(Locale.ROOT, " (row scale %.3g)", scale);
        }
    }

    private GradReport(String subject, Tolerance tolerance, OptionalLong seed, List<Mismatch> failures,
                       int failureCount, Mismatch worst, Row worstRow) {
        this.subject = subject;
        this.tolerance = tolerance;
        this.seed = seed;
        this.failures = failures;
        this.failureCount = failureCount;
        this.worst = worst;
        this.worstRow = worstRow;
    }

    /**
     * Compares every entry of {@code inputs} under {@code tolerance}.
     *
     * @param subject   what was checked, for the headline
     * @param tolerance when an entry passes
     * @param inputs    the compared values
     * @return the report
     */
    public static GradReport compare(String subject, Tolerance tolerance, List<Input> inputs) {
        double global = 0;
        for (Input in : inputs) {
            global = Math.max(global, maxAbs(in.numeric, 0, in.numeric.length));
        }
        List<Mismatch> failing = new ArrayList<>();
        Mismatch worst = null;
        Row worstRow = null;
        for (Input in : inputs) {
            for (int r = 0; r < in.rows; r++) {
                int from = r * in.cols, to = from + in.cols;
                double scale = Math.max(Math.max(maxAbs(in.numeric, from, to), tolerance.rowFloor() * global),
                        tolerance.absoluteFloor());
                for (int c = 0; c < in.cols; c++) {
                    double allowed = tolerance.relative() * scale + (in.uncertainty == null ? 0 : in.uncertainty[from + c]);
                    Mismatch m = new Mismatch(in.name, r, c, in.analytic[from + c], in.numeric[from + c], scale, allowed);
                    // NaN compares false: a NaN on either side fails.
                    boolean ok = m.error() <= allowed;
                    if (!ok) {
                        failing.add(m);
                    }
                    if (worst == null || badness(m) > badness(worst)) {
                        worst = m;
                        worstRow = new Row(in.name, r, Arrays.copyOfRange(in.analytic, from, to),
                                Arrays.copyOfRange(in.numeric, from, to), scale);
                    }
                }
            }
        }
        failing.sort(Comparator.comparingDouble(GradReport::badness).reversed());
        List<Mismatch> kept = List.copyOf(failing.subList(0, Math.min(KEPT_FAILURES, failing.size())));
        return new GradReport(subject, tolerance, OptionalLong.empty(), kept, failing.size(), worst, worstRow);
    }

    /**
     * {@link #compare(String, Tolerance, List)} of one tensor against its float64 references.
     *
     * @param what      the name of the values
     * @param got       the values under test
     * @param expected  their references, row-major
     * @param tolerance when an entry passes
     * @return the report
     * @throws AssertionError when {@code got} is null or has another number of values
     */
    public static GradReport compare(String what, Tensor got, double[] expected, Tolerance tolerance) {
        if (got == null || got.size() != expected.length) {
            throw new AssertionError(what + ": " + (got == null ? "no value (null)" : got.size() + " values "
                    + got.shapeString()) + ", expected " + expected.length);
        }
        return compare(what, tolerance, List.of(Input.of(what, got, expected)));
    }

    /**
     * The same report naming the seed that reproduces its inputs.
     *
     * @param s the seed
     * @return a copy of this report with the seed
     */
    public GradReport withSeed(long s) {
        return new GradReport(subject, tolerance, OptionalLong.of(s), failures, failureCount, worst, worstRow);
    }

    /**
     * Whether the check passed.
     *
     * @return true when every entry is within the tolerance
     */
    public boolean passed() {
        return failureCount == 0;
    }

    /**
     * What was checked.
     *
     * @return the loss or function, and the shapes
     */
    public String subject() {
        return subject;
    }

    /**
     * The tolerance applied.
     *
     * @return the tolerance
     */
    public Tolerance tolerance() {
        return tolerance;
    }

    /**
     * The seed that reproduces the inputs.
     *
     * @return the seed, empty when the inputs were not generated
     */
    public OptionalLong seed() {
        return seed;
    }

    /**
     * The failing entries.
     *
     * @return them, worst first, at most {@link #KEPT_FAILURES}
     */
    public List<Mismatch> failures() {
        return failures;
    }

    /**
     * How many entries failed.
     *
     * @return the count, which may exceed the entries kept
     */
    public int failureCount() {
        return failureCount;
    }

    /**
     * The entry with the largest relative error, passing or not.
     *
     * @return that entry; null when nothing was compared
     */
    public Mismatch worst() {
        return worst;
    }

    /**
     * The row holding {@link #worst()}.
     *
     * @return that row; null when nothing was compared
     */
    public Row worstRow() {
        return worstRow;
    }

    /**
     * Returns this report when it passed; otherwise throws an {@link AssertionError} whose message is the report.
     *
     * @return this report
     * @throws AssertionError when an entry failed
     */
    public GradReport orThrow() {
        if (!passed()) {
            throw new AssertionError(toString());
        }
        return this;
    }

    /** The report: a headline, the worst failing entries and the worst row. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(passed() ? "gradient check passed: " : "gradient check FAILED: ").append(subject);
        seed.ifPresent(s -> sb.append(", seed ").append(Property.formatSeed(s)).append(" (re-run with -D")
                .append(Property.SEED_PROPERTY).append('=').append(Property.formatSeed(s)).append(')'));
        sb.append(String.format(Locale.ROOT, "%n  tolerance %.3g × row scale", tolerance.relative()));
        if (!passed()) {
            sb.append("; ").append(failureCount).append(" entr").append(failureCount == 1 ? "y" : "ies").append(" off");
            for (Mismatch m : failures) {
                sb.append(System.lineSeparator()).append("  ").append(m);
            }
            if (failureCount > failures.size()) {
                sb.append(System.lineSeparator()).append("  ... ").append(failureCount - failures.size()).append(" more");
            }
        } else if (worst != null) {
            sb.append(System.lineSeparator()).append("  worst entry ").append(worst);
        }
        if (worstRow != null) {
            sb.append(System.lineSeparator()).append("  worst row ").append(worstRow);
        }
        return sb.toString();
    }

    /**
     * The report as one JSON object.
     *
     * @return passed, subject, seed, tolerance, failure count, failures and worst row, as JSON
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"passed\": ").append(passed());
        sb.append(", \"subject\": ").append(quote(subject));
        sb.append(", \"seed\": ").append(seed.isPresent() ? quote(Property.formatSeed(seed.getAsLong())) : "null");
        sb.append(", \"tolerance\": ").append(number(tolerance.relative()));
        sb.append(", \"failure_count\": ").append(failureCount);
        sb.append(", \"failures\": [");
        for (int i = 0; i < failures.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(json(failures.get(i)));
        }
        sb.append("], \"worst\": ").append(worst == null ? "null" : json(worst));
        sb.append(", \"worst_row\": ");
        if (worstRow == null) {
            sb.append("null");
        } else {
            sb.append("{\"input\": ").append(quote(worstRow.input())).append(", \"row\": ").append(worstRow.row())
                    .append(", \"analytic\": ").append(array(worstRow.analytic()))
                    .append(", \"numeric\": ").append(array(worstRow.numeric()))
                    .append(", \"scale\": ").append(number(worstRow.scale())).append('}');
        }
        return sb.append('}').toString();
    }

    /** The relative error, NaN counting as the worst. */
    private static double badness(Mismatch m) {
        double r = m.relativeError();
        return Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
    }

    private static String json(Mismatch m) {
        return "{\"input\": " + quote(m.input()) + ", \"row\": " + m.row() + ", \"col\": " + m.col()
                + ", \"analytic\": " + number(m.analytic()) + ", \"numeric\": " + number(m.numeric())
                + ", \"relative_error\": " + number(m.relativeError()) + ", \"scale\": " + number(m.scale())
                + ", \"allowed\": " + number(m.allowed()) + "}";
    }

    private static String array(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(number(v[i]));
        }
        return sb.append(']').toString();
    }

    /** JSON has no NaN or infinity: they become null. */
    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5g", v[i]));
        }
        return sb.append(']').toString();
    }

    private static double maxAbs(double[] v, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, Math.abs(v[i]));
        }
        return m;
    }
}
