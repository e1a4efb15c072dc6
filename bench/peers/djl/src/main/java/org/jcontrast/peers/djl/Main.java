package org.jcontrast.peers.djl;

import ai.djl.engine.Engine;
import java.util.HashMap;
import java.util.Map;

/**
 * The PyTorch peer on the official libtorch (through DJL), the Java twin of ntxent_torch.py and
 * simclr_step_torch.py:
 * <pre>
 *   ntxent --batch 2N --dim D --threads T [--temperature 0.5] [--warmup 2] [--repeats 5] [--seed 42]
 *   simclr-step --batch N --threads T [--temperature 0.5] [--warmup 5] [--repeats 20] [--seed 42]
 * </pre>
 * Prints one JSON line (peer_timing.py's keys). The thread count must also be in the environment
 * (OMP_NUM_THREADS) and in -Dai.djl.pytorch.num_threads before libtorch loads: bench/peers/djl/run
 * sets both.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length % 2 == 0) {
            throw new IllegalArgumentException("usage: (ntxent|simclr-step) --batch B --threads T [--dim D] ...");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option such as --batch, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        double idle = PeerReport.rssMib("VmRSS");
        Engine engine = Engine.getEngine("PyTorch");
        int threads = Integer.parseInt(required(options, "threads"));
        int batch = Integer.parseInt(required(options, "batch"));
        double temperature = Double.parseDouble(options.getOrDefault("temperature", "0.5"));
        int seed = Integer.parseInt(options.getOrDefault("seed", "42"));
        engine.setRandomSeed(seed);
        switch (args[0]) {
            case "ntxent" -> NtXentPeer.run(engine, batch, Integer.parseInt(required(options, "dim")), threads,
                    temperature, Integer.parseInt(options.getOrDefault("warmup", "2")),
                    Integer.parseInt(options.getOrDefault("repeats", "5")), idle);
            case "simclr-step" -> SimClrStepPeer.run(engine, batch, threads, temperature,
                    Integer.parseInt(options.getOrDefault("warmup", "5")),
                    Integer.parseInt(options.getOrDefault("repeats", "20")), idle);
            default -> throw new IllegalArgumentException("unknown peer " + args[0] + ": use ntxent or simclr-step");
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
