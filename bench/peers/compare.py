"""Side-by-side peer comparison: runs jcontrast and PyTorch alternately, in one invocation.

  compare ntxent --batch 8192 --dim 128 --threads 2 [--rounds 3] [--peer djl|python] [--variants thp,4k,thp-keep]
  compare simclr-step --batch 512 --threads 2 [--rounds 3]

The peer is PyTorch on the official libtorch through DJL (bench/peers/djl/run, the default) or a
Python PyTorch (--peer python, under find_torch.sh's interpreter). PyTorch 2.x allocates on fresh
4-KiB pages unless THP_MEM_ALLOC_ENABLE=1 asks its allocator for huge pages; every round runs the
peer once per --variants entry (default thp,4k: huge pages on and off; thp-keep and 4k-keep also
keep glibc from handing freed buffers back; the -passive ones let idle OpenMP threads sleep), and
the speed-up is taken against the fastest.

Each round runs jcontrast, then the peer (each in its own process, same thread count), so drift in
the machine's load hits both. Prints every measurement, the medians, and the ratio
pytorch_seconds / jcontrast_seconds (above 1: jcontrast is faster), plus peak RSS growth over each
process's idle footprint; for ntxent also jcontrast's useful flop rate 2F / seconds with
F = 2·(2N)²·d, and its share of the FMA peak when bench loss reports gflops_peak.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The peer's allocator settings. PyTorch 2.x's allocator asks for huge pages with
# THP_MEM_ALLOC_ENABLE=1 (buffers of 2 MiB and more); "keep" also stops glibc's malloc from
# returning freed buffers to the kernel (no mmap'd chunks, no trimming), so that later steps reuse
# pages already faulted in instead of faulting fresh ones: the peer at its best on a VM where page
# faults are dear.
KEEP_PAGES = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 60)}
# "passive" makes the peer's idle OpenMP threads sleep instead of spinning: slower on an idle
# machine, far faster when other processes share the cores (a spinning thread holds a core that a
# descheduled team-mate needs to reach the barrier).
PASSIVE = {"OMP_WAIT_POLICY": "PASSIVE"}
VARIANTS = {"thp": {"THP_MEM_ALLOC_ENABLE": "1"}, "4k": {"THP_MEM_ALLOC_ENABLE": "0"},
            "thp-keep": {"THP_MEM_ALLOC_ENABLE": "1", **KEEP_PAGES},
            "4k-keep": {"THP_MEM_ALLOC_ENABLE": "0", **KEEP_PAGES},
            "thp-passive": {"THP_MEM_ALLOC_ENABLE": "1", **PASSIVE},
            "thp-keep-passive": {"THP_MEM_ALLOC_ENABLE": "1", **KEEP_PAGES, **PASSIVE}}


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def peer_command(peer, what, batch, dim, threads):
    """The peer's command line: bench/peers/djl/run, or the Python scripts under a torch interpreter."""
    if peer == "djl":
        cmd = [os.path.join(HERE, "djl", "run"), what]
    else:
        python = subprocess.run([os.path.join(HERE, "find_torch.sh")], check=True, stdout=subprocess.PIPE,
                                text=True).stdout.strip()
        cmd = [python, os.path.join(HERE, "ntxent_torch.py" if what == "ntxent" else "simclr_step_torch.py")]
    cmd += ["--batch", str(batch), "--threads", str(threads)]
    return cmd + (["--dim", str(dim)] if what == "ntxent" else [])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["ntxent", "simclr-step"])
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--peer", choices=["djl", "python"], default="djl",
                   help="libtorch through DJL (default) or a Python PyTorch")
    p.add_argument("--variants", default="thp,4k",
                   help="the peer's allocator settings, each run in every round: " + ", ".join(VARIANTS)
                        + " (default thp,4k)")
    p.add_argument("--peer-warmup", type=int, help="the peer's untimed steps (its default: ntxent 2, simclr-step 5)")
    p.add_argument("--peer-repeats", type=int, help="the peer's timed steps (its default: ntxent 5, simclr-step 20)")
    p.add_argument("--mode", default="auto", help="jcontrast's --mode for ntxent")
    p.add_argument("--loss-cache", help="jcontrast's --loss-cache for ntxent, e.g. 160m (default: its own, 32m)")
    p.add_argument("--jvm-opts", default="", help="JCONTRAST_OPTS for the jcontrast runs, e.g. -Xmx1g")
    p.add_argument("--warmup", type=float, default=8,
                   help="seconds of untimed jcontrast runs first (default 8: C2 settles after ~5 s of the loss, "
                        "~7 s of the step)")
    a = p.parse_args()

    threads = str(a.threads)
    java_env = dict(os.environ, JCONTRAST_OPTS=a.jvm_opts)
    if a.what == "ntxent":
        ours = [os.path.join(ROOT, "jcontrast"), "bench", "loss", "--loss", "ntxent", "--batch", str(a.batch),
                "--dim", str(a.dim), "--threads", threads, "--mode", a.mode, "--warmup", str(a.warmup), "--json"]
        if a.loss_cache is not None:
            ours += ["--loss-cache", a.loss_cache]
    else:
        ours = [os.path.join(ROOT, "jcontrast"), "bench", "step", "--batch", str(a.batch), "--threads", threads,
                "--warmup", str(a.warmup), "--json"]
    peer = peer_command(a.peer, a.what, a.batch, a.dim, a.threads)
    for option, value in (("--warmup", a.peer_warmup), ("--repeats", a.peer_repeats)):
        if value is not None:
            peer += [option, str(value)]
    variants = a.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        p.error(f"unknown --variants {unknown}: use {', '.join(VARIANTS)}")
    peer_envs = {v: dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads,
                         MKL_NUM_THREADS=threads, **VARIANTS[v]) for v in variants}

    ours_runs = []
    peer_runs = {v: [] for v in variants}
    for r in range(a.rounds):
        j = run_json(ours, java_env)
        ours_runs.append(j)
        line = f"round {r + 1}: jcontrast {j['seconds']:.4f} s (peak RSS {j['peak_rss_mib']:.0f} MiB)"
        for variant in variants:
            t = run_json(peer, peer_envs[variant])
            peer_runs[variant].append(t)
            line += (f", pytorch {variant} {t['seconds']:.4f} s "
                     f"(peak RSS {t['peak_rss_mib']:.0f} MiB, ratio {t['seconds'] / j['seconds']:.2f}x)")
        print(line, flush=True)

    js = statistics.median(j["seconds"] for j in ours_runs)
    summary = {"what": a.what, "batch": a.batch, "dim": a.dim, "threads": a.threads, "rounds": a.rounds,
               "peer": a.peer, "torch": next(iter(peer_runs.values()))[-1].get("torch"),
               "jcontrast_seconds": js, "jcontrast_mode": ours_runs[-1].get("mode"),
               "jcontrast_warmup_seconds": a.warmup,
               "jcontrast_rss_growth_mib": statistics.median(j["peak_rss_mib"] - j["idle_rss_mib"] for j in ours_runs)}
    if a.what == "ntxent":
        useful = 2 * 2.0 * a.batch * a.batch * a.dim
        summary["jcontrast_gflops"] = useful / js / 1e9
        summary["jcontrast_loss_cache_bytes"] = ours_runs[-1].get("loss_cache_bytes")
        peak = ours_runs[-1].get("gflops_peak")
        if peak:
            summary["jcontrast_share_of_fma_peak"] = useful / js / 1e9 / peak
    per_setting = {}
    for variant, runs in peer_runs.items():
        # Each round's own ratio too: both sides of a round ran within seconds of each other, so its
        # ratio is less exposed to the machine's drift than the ratio of the two medians.
        ts = statistics.median(t["seconds"] for t in runs)
        own = [t["seconds"] / j["seconds"] for j, t in zip(ours_runs, runs)]
        growth = statistics.median(t["peak_rss_mib"] - t["idle_rss_mib"] for t in runs)
        per_setting[variant] = {"pytorch_seconds": ts, "speedup": ts / js, "speedup_per_round": own,
                                "speedup_median_of_rounds": statistics.median(own), "pytorch_rss_growth_mib": growth}
        print(f"peer {variant}: jcontrast {js:.4f} s, pytorch {ts:.4f} s, speedup {ts / js:.2f}x "
              f"(median of the rounds' own ratios {statistics.median(own):.2f}x); RSS growth jcontrast "
              f"{summary['jcontrast_rss_growth_mib']:.0f} MiB, pytorch {growth:.0f} MiB")
    faster = min(per_setting, key=lambda v: per_setting[v]["pytorch_seconds"])
    summary.update(peer_variants=per_setting, fastest_peer_variant=faster, speedup=per_setting[faster]["speedup"],
                   speedup_median_of_rounds=per_setting[faster]["speedup_median_of_rounds"])
    print(f"against the fastest peer ({faster}): speedup {summary['speedup']:.2f}x"
          + (f"; jcontrast {summary['jcontrast_gflops']:.0f} GFLOP/s useful" if a.what == "ntxent" else ""))
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
