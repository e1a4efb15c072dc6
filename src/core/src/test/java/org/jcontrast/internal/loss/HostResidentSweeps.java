package org.jcontrast.internal.loss;

import java.util.Arrays;
import org.jcontrast.internal.backend.ResidentSweeps;

/**
 * The plain-Java twin of a device's {@link ResidentSweeps}: the plan's rules applied to every entry
 * of S = R·Cᵀ in float64, without tiles (a symmetric plan's rows then hold every entry of their
 * anchors), each anchor shifted by the largest logit of its sum, or by the shared shift. It can fail
 * on purpose at a chosen pass. Counts the sweeps it opens and the passes it completes.
 */
final class HostResidentSweeps implements ResidentSweeps {
    /** Fails the pass with this number (1 = the first observe), or never when 0. */
    private final int failingPass;
    private int opened;
    private int closed;
    private int passesStarted;
    private long passes;

    HostResidentSweeps(int failingPass) {
        this.failingPass = failingPass;
    }

    int opened() {
        return opened;
    }

    int closed() {
        return closed;
    }

    @Override
    public long passes() {
        return passes;
    }

    @Override
    public String describe() {
        return "the float64 twin of the device kernels";
    }

    @Override
    public Sweep open(Plan plan, float[] r, int rowsOffset, float[] c, int colsOffset) {
        opened++;
        double[][] s = new double[plan.rows()][plan.cols()];
        int d = plan.width();
        for (int i = 0; i < plan.rows(); i++) {
            for (int j = 0; j < plan.cols(); j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += (double) r[rowsOffset + i * d + k] * (plan.symmetric() ? r[rowsOffset + j * d + k]
                            : c[colsOffset + j * d + k]);
                }
                s[i][j] = (float) dot; // the device's tiles hold float32 similarities
            }
        }
        return new HostSweep(plan, s, r, rowsOffset, c, colsOffset);
    }

    private void startPass() {
        if (++passesStarted == failingPass) {
            throw new IllegalStateException("resident twin failed on purpose in pass " + failingPass);
        }
    }

    private final class HostSweep implements Sweep {
        private final Plan plan;
        private final double[][] s;
        private final float[] r;
        private final int rowsOffset;
        private final float[] c;
        private final int colsOffset;
        /** Whether the column side of entry (i, j) is counted apart (columns that are anchors, not a symmetric plan). */
        private final boolean columnSide;

        HostSweep(Plan plan, double[][] s, float[] r, int rowsOffset, float[] c, int colsOffset) {
            this.plan = plan;
            this.s = s;
            this.r = r;
            this.rowsOffset = rowsOffset;
            this.c = plan.symmetric() ? r : c;
            this.colsOffset = plan.symmetric() ? rowsOffset : colsOffset;
            this.columnSide = plan.colAnchor0() >= 0 && !plan.symmetric();
        }

        /** 1 summed, 2 positive, 0 excluded: the same seen from either anchor. */
        private int role(int a, int b) {
            if (plan.excludeSelf() && a == b) {
                return 0;
            }
            boolean positive = plan.keys() != null && b >= 0 && plan.keys()[a] == plan.keys()[b];
            return positive ? 2 | (plan.positiveInSum() ? 1 : 0) : 1;
        }

        private int column(int j) {
            return plan.colAnchor0() < 0 ? -1 : plan.colAnchor0() + j;
        }

        @Override
        public Sums observe() {
            startPass();
            int anchors = plan.anchors();
            double[] max = new double[anchors], sum = new double[anchors], positive = new double[anchors];
            int[] count = new int[anchors];
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
            double beta = plan.beta();
            for (int pass = 0; pass < 2; pass++) { // the largest logit of each anchor's sum, then the sum
                for (int i = 0; i < plan.rows(); i++) {
                    for (int j = 0; j < plan.cols(); j++) {
                        int a = i, b = column(j), f = role(a, b);
                        double x = s[i][j];
                        visit(pass, a, f, x, beta, max, sum, positive, count);
                        if (columnSide) {
                            visit(pass, b, f, x, beta, max, sum, positive, count);
                        }
                    }
                }
            }
            passes++;
            return new Sums(max, sum, positive, count);
        }

        private void visit(int pass, int anchor, int role, double x, double beta, double[] max, double[] sum,
                           double[] positive, int[] count) {
            if (pass == 0) {
                if ((role & 1) != 0) {
                    max[anchor] = plan.shared() ? plan.sharedShift() : Math.max(max[anchor], beta * x);
                }
                if ((role & 2) != 0) {
                    positive[anchor] += x;
                    count[anchor]++;
                }
            } else if ((role & 1) != 0) {
                sum[anchor] += Math.exp(beta * x - max[anchor]);
            }
        }

        @Override
        public void gradient(float[] shift, float[] weight, float[] positiveGradient, float[] dRows, int dRowsOffset,
                             float[] dCols, int dColsOffset) {
            startPass();
            int d = plan.width();
            double beta = plan.beta();
            boolean columns = plan.colAnchor0() >= 0;
            double[][] gradRows = new double[plan.rows()][d], gradCols = new double[plan.cols()][d];
            for (int i = 0; i < plan.rows(); i++) {
                for (int j = 0; j < plan.cols(); j++) {
                    int a = i, b = column(j), f = role(a, b);
                    double h = term(a, f, s[i][j], beta, shift, weight, positiveGradient);
                    if (columns && !plan.symmetric()) {
                        h += term(b, f, s[i][j], beta, shift, weight, positiveGradient);
                    }
                    for (int k = 0; k < d; k++) {
                        gradRows[i][k] += h * c[colsOffset + j * d + k];
                        gradCols[j][k] += h * r[rowsOffset + i * d + k];
                    }
                }
            }
            for (int i = 0; i < plan.rows(); i++) {
                for (int k = 0; k < d; k++) {
                    // a symmetric plan's rows hold all of every anchor's entries: its column side is its row side
                    double g = plan.symmetric() ? gradRows[i][k] + gradCols[i][k] : gradRows[i][k];
                    dRows[dRowsOffset + i * d + k] += (float) g;
                }
            }
            if (dCols != null) {
                for (int j = 0; j < plan.cols(); j++) {
                    for (int k = 0; k < d; k++) {
                        dCols[dColsOffset + j * d + k] += (float) gradCols[j][k];
                    }
                }
            }
            passes++;
        }

        private double term(int anchor, int role, double x, double beta, float[] shift, float[] weight,
                            float[] positiveGradient) {
            double h = 0;
            if ((role & 1) != 0) {
                h += weight[anchor] * Math.exp(beta * x - (plan.shared() ? plan.sharedShift() : shift[anchor]));
            }
            if ((role & 2) != 0) {
                h += positiveGradient[anchor];
            }
            return h;
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
