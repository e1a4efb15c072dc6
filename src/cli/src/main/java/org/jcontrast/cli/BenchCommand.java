package org.jcontrast.cli;

import picocli.CommandLine.Command;

/** {@code jcontrast bench}: side-by-side timings of the kernels and losses. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time kernels and losses (median after warm-up).",
        subcommands = {GemmBench.class, LossBench.class, StepBench.class})
final class BenchCommand {
}
