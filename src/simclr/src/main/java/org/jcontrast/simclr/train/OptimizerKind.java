package org.jcontrast.simclr.train;

import java.util.List;
import java.util.Locale;
import org.jcontrast.optim.AdamW;
import org.jcontrast.optim.Lars;
import org.jcontrast.optim.LearningRateSchedule;
import org.jcontrast.optim.Optimizer;
import org.jcontrast.optim.Parameter;
import org.jcontrast.optim.Sgd;

/**
 * The optimisers a run can use, with their command-line names.
 * <p>Immutable and thread-safe.
 */
public enum OptimizerKind {
    /** SGD with momentum and L2 weight decay. */
    SGD("sgd", 0.5, 5e-4),
    /** LARS, SimCLR's optimiser (trust coefficient 0.001). */
    LARS("lars", 1.0, 1e-6),
    /** Adam with decoupled weight decay. */
    ADAMW("adamw", 1e-3, 1e-4);

    /** LARS's trust coefficient η, as in SimCLR. */
    static final double LARS_TRUST = 0.001;
    private final String cliName;
    private final double defaultLearningRate;
    private final double defaultWeightDecay;

    OptimizerKind(String cliName, double defaultLearningRate, double defaultWeightDecay) {
        this.cliName = cliName;
        this.defaultLearningRate = defaultLearningRate;
        this.defaultWeightDecay = defaultWeightDecay;
    }

    /**
     * The peak learning rate used unless one is given.
     *
     * @return the peak learning rate used unless one is given
     */
    public double defaultLearningRate() {
        return defaultLearningRate;
    }

    /**
     * The weight decay used unless one is given.
     *
     * @return the weight decay used unless one is given
     */
    public double defaultWeightDecay() {
        return defaultWeightDecay;
    }

    /**
     * The name used on the command line and in files.
     *
     * @return the name used on the command line and in files
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The optimiser over {@code parameters} on {@code schedule}; momentum is AdamW's β₁.
     *
     * @param parameters the parameters to update
     * @param momentum momentum, or AdamW's β₁
     * @param weightDecay the weight decay
     * @param schedule the learning rate of each step
     * @return the optimiser over {@code parameters} on {@code schedule}; momentum is AdamW's β₁
     */
    public Optimizer create(List<Parameter> parameters, double momentum, double weightDecay,
                            LearningRateSchedule schedule) {
        return switch (this) {
            case SGD -> Sgd.builder(parameters).schedule(schedule).momentum(momentum).weightDecay(weightDecay).build();
            case LARS -> Lars.builder(parameters).schedule(schedule).momentum(momentum).weightDecay(weightDecay)
                    .trustCoefficient(LARS_TRUST).build();
            case ADAMW -> AdamW.builder(parameters).schedule(schedule).betas(momentum, 0.999).epsilon(1e-8)
                    .weightDecay(weightDecay).build();
        };
    }

    /**
     * The kind with this command-line name.
     *
     * @param name the command-line name, e.g. {@code adamw}
     * @return the kind with this command-line name
     */
    public static OptimizerKind fromName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (OptimizerKind k : values()) {
            if (k.cliName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: sgd, lars, adamw");
    }
}
