"""The Python half of bench/gpu/check.sh: inputs for jcontrast, comparisons, PyTorch's timings, the report.

  views      random views (and labels, a bank) as .npy files for `jcontrast loss`
  compare    a device run's loss and gradients against the CPU engine's
  matmul     torch.matmul C = A @ A.T on the GPU, FP32 and TF32, in GFLOP/s
  ntxent     PyTorch's standard NT-Xent (materialised) forward+backward on the GPU, timed
  report     every part's JSON into one file

Only the standard library is needed for views, compare and report (no numpy), so that they run
wherever check.sh does; matmul and ntxent need torch with CUDA.
"""
import argparse
import array
import json
import os
import random
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))


def write_npy(path, shape, values, dtype):
    """A C-order .npy of float32 ('<f4') or int64 ('<i8') values."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        dtype, "".join("%d, " % s for s in shape) if len(shape) == 1 else ", ".join(str(s) for s in shape))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    data = array.array("f" if dtype == "<f4" else "q", values)
    if sys.byteorder != "little":
        data.byteswap()
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(data.tobytes())


def read_npy_floats(path):
    """The values of a float32 .npy file jcontrast wrote, as a list."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:6] != b"\x93NUMPY":
        sys.exit("%s: not a .npy file" % path)
    size = struct.unpack("<H", raw[8:10])[0] if raw[6] == 1 else struct.unpack("<I", raw[8:12])[0]
    start = (10 if raw[6] == 1 else 12) + size
    header = raw[start - size:start].decode("latin1")
    if "<f4" not in header:
        sys.exit("%s: expected float32, header %s" % (path, header.strip()))
    data = array.array("f")
    data.frombytes(raw[start:])
    if sys.byteorder != "little":
        data.byteswap()
    return data


def views(a):
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    for name in ("z1", "z2"):
        write_npy(os.path.join(a.out, name + ".npy"), (a.n, a.d), [rng.gauss(0, 1) for _ in range(a.n * a.d)], "<f4")
    if a.classes:
        write_npy(os.path.join(a.out, "labels.npy"), (a.n,), [i % a.classes if i % 7 else a.classes
                                                             for i in range(a.n)], "<i8")
    if a.bank:
        values = []
        for _ in range(a.bank):
            row = [rng.gauss(0, 1) for _ in range(a.d)]
            norm = sum(v * v for v in row) ** 0.5
            values.extend(v / norm for v in row)
        write_npy(os.path.join(a.out, "bank.npy"), (a.bank, a.d), values, "<f4")


def compare(a):
    with open(a.cpu_json) as f:
        cpu = json.loads(f.read().strip().splitlines()[-1])
    with open(a.gpu_json) as f:
        gpu = json.loads(f.read().strip().splitlines()[-1])
    loss_error = abs(gpu["loss"] - cpu["loss"]) / max(1.0, abs(cpu["loss"]))
    grad_error = 0.0
    for name in ("grad1.npy", "grad2.npy"):
        want = read_npy_floats(os.path.join(a.cpu_dir, name))
        got = read_npy_floats(os.path.join(a.gpu_dir, name))
        scale = max(1e-30, max(abs(v) for v in want))
        grad_error = max(grad_error, max(abs(x - y) for x, y in zip(want, got)) / scale)
    ok = loss_error <= a.tolerance and grad_error <= a.tolerance
    print(json.dumps({"case": a.case, "loss_cpu": cpu["loss"], "loss_gpu": gpu["loss"], "loss_rel_error": loss_error,
                      "grad_rel_error": grad_error, "tolerance": a.tolerance, "ok": ok}))
    sys.exit(0 if ok else 1)


def cuda_torch():
    import torch
    if not torch.cuda.is_available():
        sys.exit("torch sees no CUDA device")
    return torch


def matmul(a):
    torch = cuda_torch()
    out = {"m": a.m, "k": a.k, "device": torch.cuda.get_device_name(0), "torch": torch.__version__,
           "torch_cuda": torch.version.cuda}
    x = torch.randn(a.m, a.k, device="cuda")
    flops = 2.0 * a.m * a.m * a.k
    for precision, tf32 in (("fp32", False), ("tf32", True)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        for _ in range(3):
            x @ x.T
        torch.cuda.synchronize()
        times = []
        deadline = time.perf_counter() + a.seconds
        while len(times) < 5 or time.perf_counter() < deadline:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            x @ x.T
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
        out["gflops_" + precision] = flops / statistics.median(times) / 1e9
    torch.backends.cuda.matmul.allow_tf32 = False
    print(json.dumps(out))


def ntxent(a):
    torch = cuda_torch()
    from peer_timing import ntxent as loss_of
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    out = {"peer": "pytorch-cuda", "batch": a.batch, "dim": a.dim, "precision": "TF32" if a.tf32 else "FP32",
           "device": torch.cuda.get_device_name(0), "torch": torch.__version__}
    n = a.batch // 2
    try:
        g = torch.Generator(device="cuda").manual_seed(42)
        z1 = torch.randn(n, a.dim, device="cuda", generator=g, requires_grad=True)
        z2 = torch.randn(n, a.dim, device="cuda", generator=g, requires_grad=True)
        labels = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).cuda()

        def step():
            z1.grad = None
            z2.grad = None
            loss = loss_of(torch.cat([z1, z2]), labels, a.temperature)
            loss.backward()
            return loss.item()

        torch.cuda.reset_peak_memory_stats()
        for _ in range(a.warmup):
            value = step()
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            value = step()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
        out.update(value=value, seconds=statistics.median(times),
                   peak_gpu_mib=torch.cuda.max_memory_allocated() / 2 ** 20)
    except torch.cuda.OutOfMemoryError as e:
        out.update(oom=True, error=str(e).splitlines()[0])
    print(json.dumps(out))


def report(a):
    parts = {}
    for name in sorted(os.listdir(a.parts)):
        path = os.path.join(a.parts, name)
        key = name.rsplit(".", 1)[0]
        with open(path) as f:
            text = f.read().strip()
        try:
            parts[key] = json.loads(text.splitlines()[-1]) if text else {"missing": True}
        except (ValueError, IndexError):
            parts[key] = {"unparsed": text[-2000:]}
    with open(a.out, "w") as f:
        json.dump(parts, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %s (%d parts)" % (a.out, len(parts)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("views")
    v.add_argument("--n", type=int, required=True)
    v.add_argument("--d", type=int, required=True)
    v.add_argument("--classes", type=int, default=0, help="also labels.npy, cycling through this many classes")
    v.add_argument("--bank", type=int, default=0, help="also bank.npy with this many unit rows")
    v.add_argument("--seed", type=int, default=7)
    v.add_argument("--out", required=True)
    c = sub.add_parser("compare")
    for name in ("--case", "--cpu-json", "--gpu-json", "--cpu-dir", "--gpu-dir"):
        c.add_argument(name, required=True)
    c.add_argument("--tolerance", type=float, default=1e-4)
    m = sub.add_parser("matmul")
    m.add_argument("--m", type=int, required=True)
    m.add_argument("--k", type=int, required=True)
    m.add_argument("--seconds", type=float, default=2)
    n = sub.add_parser("ntxent")
    n.add_argument("--batch", type=int, required=True)
    n.add_argument("--dim", type=int, default=128)
    n.add_argument("--temperature", type=float, default=0.5)
    n.add_argument("--tf32", action="store_true")
    n.add_argument("--warmup", type=int, default=2)
    n.add_argument("--repeats", type=int, default=5)
    r = sub.add_parser("report")
    r.add_argument("--parts", required=True)
    r.add_argument("--out", required=True)
    a = p.parse_args()
    {"views": views, "compare": compare, "matmul": matmul, "ntxent": ntxent, "report": report}[a.command](a)


if __name__ == "__main__":
    main()
