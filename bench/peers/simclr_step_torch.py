"""One SimCLR training step in PyTorch, timed: the peer of `jcontrast bench step`.

The same network, loss and optimiser as jcontrast's default `train` configuration: an MLP encoder
784→512→256 and a projection head 256→256→128, each hidden Linear (without bias) followed by
BatchNorm1d and ReLU, the head's last Linear with a bias; NT-Xent with τ = 0.5 over the 2N views
(both views go through the network as one batch of 2N rows); AdamW (lr 1e-3, β = (0.9, 0.999),
weight decay 1e-4 on the weight matrices only). The input is a fixed batch of random pixels:
data augmentation is left out of both sides. A step is zero_grad, forward, loss, backward and the
optimiser's step. Prints one JSON object with the median seconds per step after warm-up, and the
process's resident memory (idle before building anything, and peak).

Thread counts must be set in the environment before torch is imported (the harness does it):
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS.
"""
import argparse
import sys

from peer_timing import ntxent, rss_mib, time_and_report


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, required=True, help="N, images per step (2N views)")
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--seed", type=int, default=42)
    a = p.parse_args()
    if a.batch < 2:
        sys.exit("--batch must be at least 2")

    import torch
    import torch.nn as nn

    torch.set_num_threads(a.threads)
    idle = rss_mib("VmRSS")
    torch.manual_seed(a.seed)

    def block(i, o):
        return [nn.Linear(i, o, bias=False), nn.BatchNorm1d(o), nn.ReLU()]

    encoder = nn.Sequential(*block(784, 512), *block(512, 256))
    head = nn.Sequential(*block(256, 256), nn.Linear(256, 128))
    model = nn.Sequential(encoder, head)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    n = a.batch
    x = torch.rand(2 * n, 784)
    labels = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = ntxent(model(x), labels, a.temperature)
        loss.backward()
        opt.step()
        return loss.item()

    time_and_report(step, a.warmup, a.repeats, idle, batch=n)


if __name__ == "__main__":
    main()
