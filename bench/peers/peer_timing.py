"""What the PyTorch peers share: the NT-Xent they compute, their timing rule and their report.

The timing rule is jcontrast's bench rule: warm-up steps, then the median of timed steps. The
report is one JSON object with the median seconds and the process's resident memory (idle before
allocating anything, and peak), the keys compare.py reads.
"""
import json
import statistics
import time


def rss_mib(field):
    """VmRSS (now) or VmHWM (peak) of this process, in MiB; NaN where /proc is absent."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def ntxent(z, labels, temperature):
    """The standard formulation: F.normalize, Z @ Z.T / tau, diagonal masked, cross-entropy, mean."""
    import torch.nn.functional as F
    z = F.normalize(z, dim=1)
    logits = z @ z.T / temperature
    logits.fill_diagonal_(float("-inf"))
    return F.cross_entropy(logits, labels)


def time_and_report(step, warmup, repeats, idle, **fields):
    """Runs step() warmup times, then repeats timed times; prints the report with fields first."""
    import torch
    loss = None
    for _ in range(warmup):
        loss = step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, **fields, "threads": torch.get_num_threads(),
        "loss": loss, "seconds": statistics.median(times), "idle_rss_mib": idle, "peak_rss_mib": rss_mib("VmHWM"),
    }))
