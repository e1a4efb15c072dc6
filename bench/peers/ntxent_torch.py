"""The standard PyTorch NT-Xent forward+backward, timed: the peer jcontrast is compared with.

cat the two views, F.normalize, Z @ Z.T / tau, mask the diagonal, cross-entropy against the
other view's index, mean over the 2N anchors; then backward. Prints one JSON object with the
median seconds per forward+backward after warm-up, and the process's resident memory (idle
before allocating anything, and peak).

Thread counts must be set in the environment before torch is imported (the harness does it):
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS.
"""
import argparse
import sys

from peer_timing import ntxent, rss_mib, time_and_report


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--batch", type=int, required=True, help="2N, the number of views")
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    if a.batch < 4 or a.batch % 2:
        sys.exit("--batch must be an even number >= 4 (it is 2N)")

    import torch

    torch.set_num_threads(a.threads)
    idle = rss_mib("VmRSS")
    g = torch.Generator().manual_seed(a.seed)
    n = a.batch // 2
    z1 = torch.randn(n, a.dim, generator=g, requires_grad=True)
    z2 = torch.randn(n, a.dim, generator=g, requires_grad=True)
    labels = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])

    def step():
        loss = ntxent(torch.cat([z1, z2]), labels, a.temperature)
        z1.grad = None
        z2.grad = None
        loss.backward()
        return loss.item()

    time_and_report(step, a.warmup, a.repeats, idle, batch=a.batch, dim=a.dim)


if __name__ == "__main__":
    main()
