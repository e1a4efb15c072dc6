"""Side-by-side peer comparison: runs jcontrast and PyTorch alternately, in one invocation.

  compare.py ntxent --batch 8192 --dim 128 --threads 2 [--rounds 3] [--mode auto] [--warmup 8] [--jvm-opts ...]
  compare.py simclr-step --batch 512 --threads 2 [--rounds 3]

Each round runs jcontrast, then PyTorch (each in its own process, same thread count), so drift in
the machine's load hits both. Prints every measurement, the medians, and the ratio
pytorch_seconds / jcontrast_seconds (above 1: jcontrast is faster), plus peak RSS growth over each
process's idle footprint. Needs only the standard library here; the PyTorch side runs under
find_torch.sh's interpreter.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["ntxent", "simclr-step"])
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--mode", default="auto", help="jcontrast's --mode for ntxent")
    p.add_argument("--jvm-opts", default="", help="JCONTRAST_OPTS for the jcontrast runs, e.g. -Xmx1g")
    p.add_argument("--warmup", type=float, default=8,
                   help="ntxent: seconds of untimed jcontrast runs first (default 8: C2 settles after ~5 s of the loss)")
    a = p.parse_args()

    python = subprocess.run([os.path.join(HERE, "find_torch.sh")], check=True, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    threads = str(a.threads)
    torch_env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    java_env = dict(os.environ, JCONTRAST_OPTS=a.jvm_opts)

    if a.what == "ntxent":
        ours = [os.path.join(ROOT, "jcontrast"), "bench", "loss", "--loss", "ntxent", "--batch", str(a.batch),
                "--dim", str(a.dim), "--threads", threads, "--mode", a.mode, "--warmup", str(a.warmup), "--json"]
        peer = [python, os.path.join(HERE, "ntxent_torch.py"), "--batch", str(a.batch), "--dim", str(a.dim),
                "--threads", threads]
    else:
        ours = [os.path.join(ROOT, "jcontrast"), "bench", "step", "--batch", str(a.batch), "--threads", threads,
                "--json"]
        peer = [python, os.path.join(HERE, "simclr_step_torch.py"), "--batch", str(a.batch), "--threads", threads]

    rows = []
    for r in range(a.rounds):
        j = run_json(ours, java_env)
        t = run_json(peer, torch_env)
        rows.append((j, t))
        print(f"round {r + 1}: jcontrast {j['seconds']:.4f} s (peak RSS {j['peak_rss_mib']:.0f} MiB), "
              f"pytorch {t['seconds']:.4f} s (peak RSS {t['peak_rss_mib']:.0f} MiB)", flush=True)

    js = statistics.median(j["seconds"] for j, _ in rows)
    ts = statistics.median(t["seconds"] for _, t in rows)
    jg = statistics.median(j["peak_rss_mib"] - j["idle_rss_mib"] for j, _ in rows)
    tg = statistics.median(t["peak_rss_mib"] - t["idle_rss_mib"] for _, t in rows)
    # Each round's own ratio too: both sides of a round ran within seconds of each other, so its
    # ratio is less exposed to the machine's drift than the ratio of the two medians.
    per_round = [t["seconds"] / j["seconds"] for j, t in rows]
    summary = {"what": a.what, "batch": a.batch, "dim": a.dim, "threads": a.threads, "rounds": a.rounds,
               "jcontrast_seconds": js, "pytorch_seconds": ts, "speedup": ts / js,
               "speedup_per_round": per_round, "speedup_median_of_rounds": statistics.median(per_round),
               "jcontrast_rss_growth_mib": jg, "pytorch_rss_growth_mib": tg,
               "jcontrast_warmup_seconds": a.warmup if a.what == "ntxent" else None,
               "jcontrast_mode": rows[-1][0].get("mode"), "torch": rows[-1][1].get("torch")}
    print(f"median: jcontrast {js:.4f} s, pytorch {ts:.4f} s, speedup {ts / js:.2f}x "
          f"(median of the rounds' own ratios {statistics.median(per_round):.2f}x); "
          f"RSS growth jcontrast {jg:.0f} MiB, pytorch {tg:.0f} MiB")
    print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
