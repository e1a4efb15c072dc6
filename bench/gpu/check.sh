#!/usr/bin/env bash
# The device check of issue 15, for a machine with an NVIDIA GPU, its driver, CUDA and PyTorch, but no
# Java, Maven or network. It runs the JDK 25 runtime and jars that bench/gpu/pack.sh put in .device-carry/
# (carried along with the working tree), in under 8 minutes on an H100/H200:
#   1. the device, driver, CUDA and PyTorch versions, and what jcontrast finds (`jcontrast info`);
#   2. every loss of the log-sum-exp family resident on the GPU against the CPU engine (`jcontrast loss`
#      with -Djcontrast.device=gpu and cpu on the same .npy views, several tiles, both shift paths);
#   3. SGEMM C = A·Aᵀ through FFM/cuBLAS on the device against torch.matmul, FP32 and TF32;
#   4. NT-Xent forward+backward resident at 2N = 8192, 65,536, 262,144 (d = 128), FP32 and TF32, against
#      PyTorch's materialised CUDA NT-Xent as far as memory allows, and the CPU engine on 2 threads of this
#      machine's CPU at 2N = 65,536;
#   5. the largest exact batch, 2N = 1,048,576, d = 128.
# Results: one JSON file, $OUT/gpu-check.json when $OUT is set (else bench/gpu/out/gpu-check.json), with
# each part's output beside it under parts/. A part that fails or times out is recorded and the rest runs.
#
# Environment: PYTHON (an interpreter with torch; default python3), CHECK_CUDA_PATH (a folder with
# libcudart, libcublas and libcuda for -Djcontrast.cuda.path, e.g. the test stub for a dry run),
# CHECK_QUICK=1 (tiny sizes and no PyTorch: a dry run of the script itself, e.g. against the stub).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CARRY=$ROOT/.device-carry
PY=${PYTHON:-python3}
HELPER=$ROOT/bench/gpu/device_check.py
RESULT_DIR=${OUT:-$ROOT/bench/gpu/out}
PARTS=$RESULT_DIR/parts
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$PARTS"
START=$(date +%s)
QUICK=${CHECK_QUICK:-0}

say() { echo "[$(( $(date +%s) - START ))s] $*"; }

[ -x "$CARRY/jre/bin/java" ] && [ -f "$CARRY/app/jcontrast-cli.jar" ] || {
  echo "check.sh: $CARRY/jre and app/ are missing: build them with bench/gpu/pack.sh and carry .device-carry" >&2
  exit 2
}
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)
[ -n "${CHECK_CUDA_PATH:-}" ] && JVM_FLAGS+=("-Djcontrast.cuda.path=$CHECK_CUDA_PATH")
PTX_FLAG=()

# jc SECONDS [JVM-OPTIONS...] COMMAND ARGS...: the command line on the carried runtime, limited in time;
# the leading arguments that start with a dash go to the JVM.
jc() {
  local limit=$1 jvm=()
  shift
  while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do jvm+=("$1"); shift; done
  timeout "$limit" "$CARRY/jre/bin/java" "${JVM_FLAGS[@]}" "${PTX_FLAG[@]}" "${jvm[@]}" \
    -jar "$CARRY/app/jcontrast-cli.jar" "$@" 2> >(grep -v 'Using incubator modules' >&2)
}

# part NAME SECONDS COMMAND...: runs a step, its last stdout line (JSON) into parts/NAME.json, its failure
# recorded; once BUDGET seconds have passed, the remaining parts are recorded as skipped.
BUDGET=${CHECK_BUDGET:-450}
part() {
  local name=$1 limit=$2
  shift 2
  if [ $(( $(date +%s) - START + limit / 4 )) -gt "$BUDGET" ]; then
    say "$name skipped: the ${BUDGET}s budget is spent"
    echo '{"skipped": "out of time"}' > "$PARTS/$name.json"
    return
  fi
  say "$name"
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
  local rc=$?
  tail -n 3 "$WORK/$name.err" | sed 's/^/    /'
  if [ $rc -eq 0 ] && tail -n 1 "$WORK/$name.out" | grep -q '^{'; then
    tail -n 1 "$WORK/$name.out" > "$PARTS/$name.json"
    tail -c 600 "$PARTS/$name.json" | sed 's/^/    /'
    echo
  else
    printf '{"failed": true, "exit": %d, "seconds_limit": %d, "stderr": %s}\n' "$rc" "$limit" \
      "$("$PY" -c 'import json,sys; print(json.dumps(sys.stdin.read()[-1500:]))' < "$WORK/$name.err")" > "$PARTS/$name.json"
    say "  $name FAILED (exit $rc)"
  fi
}

# ---- 1. the machine ----
say "device"
{
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1 || echo "no nvidia-smi"
  nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' || true
  (command -v nvcc >/dev/null && nvcc --version | tail -n 2 | head -n 1) || echo "no nvcc"
  [ "$QUICK" = 1 ] || "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
    "device", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")' 2>&1 | tail -n 1
  uname -m; nproc; grep -m1 'model name' /proc/cpuinfo
} | tee "$WORK/machine.txt"
"$PY" -c 'import json,sys; print(json.dumps({"lines": sys.stdin.read().splitlines()}))' < "$WORK/machine.txt" \
  > "$PARTS/machine.json"

# Where libcudart and libcublas are: the system's path first, then the toolkit's, then PyTorch's wheels.
if [ -z "${CHECK_CUDA_PATH:-}" ]; then
  torch_libs=$("$PY" -c 'import glob,os,site
print(":".join(d for s in site.getsitepackages() for d in sorted(glob.glob(os.path.join(s, "nvidia", "*", "lib")))))' \
    2>/dev/null)
  base=${LD_LIBRARY_PATH:-}
  for extra in "" /usr/local/cuda/lib64 "$torch_libs"; do
    LD_LIBRARY_PATH=$extra${base:+:$base}
    LD_LIBRARY_PATH=${LD_LIBRARY_PATH#:}
    export LD_LIBRARY_PATH
    jc 60 info > "$WORK/info.txt" 2>&1
    grep -q '^gpu      cuda:' "$WORK/info.txt" && break
  done
else
  jc 60 info > "$WORK/info.txt" 2>&1
fi
sed 's/^/    /' "$WORK/info.txt"
# When the driver refuses the committed PTX, build one for this card with its nvcc and say so.
ptx="committed resource"
if grep -q 'streaming losses: tile products one by one' "$WORK/info.txt" && command -v nvcc >/dev/null; then
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n 1 | tr -d '.')
  if nvcc -ptx -arch="compute_$cap" -I"$ROOT/src/cuda/src/main/cuda" "$ROOT/src/cuda/src/main/cuda/loss_kernels.cu" \
       -o "$WORK/local.ptx"; then
    PTX_FLAG=("-Djcontrast.cuda.ptx=$WORK/local.ptx")
    ptx="built here with nvcc for compute_$cap, the committed one being refused"
    jc 60 info > "$WORK/info.txt" 2>&1
    sed 's/^/    /' "$WORK/info.txt"
  fi
fi
"$PY" -c 'import json,sys; print(json.dumps({"lines": sys.stdin.read().splitlines(), "ptx": sys.argv[1],
  "ld_library_path": sys.argv[2]}))' "$ptx" "${LD_LIBRARY_PATH:-}" < "$WORK/info.txt" > "$PARTS/info.json"

# ---- 2. every loss of the family on the GPU against the CPU engine ----
# Sizes large enough that `loss` (mode auto) streams: more than 4M entries in the similarity matrix.
if [ "$QUICK" = 1 ]; then N=1100; CLIP_N=2100; D=8; TILE=700; else N=1500; CLIP_N=2100; D=128; TILE=1024; fi
"$PY" "$HELPER" views --n "$N" --d "$D" --classes 10 --bank $((2 * N)) --out "$WORK/views"
"$PY" "$HELPER" views --n "$CLIP_N" --d "$D" --seed 8 --out "$WORK/clip-views"
check_loss() { # NAME VIEWS-DIR LOSS-OPTIONS...; fails when the GPU run did not run resident (a log line says why)
  local name=$1 views=$2
  shift 2
  for device in cpu gpu; do
    jc 120 -Djcontrast.device=$device -Djcontrast.tile=$TILE loss --views "$views/z1.npy" "$views/z2.npy" "$@" \
      --grad-out "$WORK/$name-$device" --json > "$WORK/$name-$device.json" 2> "$WORK/$name-$device.err" || {
      cat "$WORK/$name-$device.err" >&2
      return 1
    }
  done
  if grep -q 'jcontrast' "$WORK/$name-gpu.err"; then
    echo "$name: the GPU run did not stay resident:" >&2
    cat "$WORK/$name-gpu.err" >&2
    return 1
  fi
  "$PY" "$HELPER" compare --case "$name" --cpu-json "$WORK/$name-cpu.json" --gpu-json "$WORK/$name-gpu.json" \
    --cpu-dir "$WORK/$name-cpu" --gpu-dir "$WORK/$name-gpu"
}
part family-ntxent 240 check_loss ntxent "$WORK/views" --loss ntxent
part family-ntxent-cold 240 check_loss ntxent-cold "$WORK/views" --loss ntxent --temperature 0.02
part family-dcl 240 check_loss dcl "$WORK/views" --loss dcl
part family-dclw 240 check_loss dclw "$WORK/views" --loss dclw --weight-gradient
part family-supcon 240 check_loss supcon "$WORK/views" --loss supcon --labels "$WORK/views/labels.npy"
part family-clip 240 check_loss clip "$WORK/clip-views" --loss clip
part family-clip-cold 240 check_loss clip-cold "$WORK/clip-views" --loss clip --temperature 0.01
part family-infonce 240 check_loss infonce "$WORK/views" --loss infonce --bank "$WORK/views/bank.npy"
part family-infonce-symmetric 240 check_loss infonce-symmetric "$WORK/views" --loss infonce --symmetric \
  --bank "$WORK/views/bank.npy"

# ---- 3. SGEMM through FFM against torch.matmul ----
if [ "$QUICK" = 1 ]; then GM=64; GK=32; else GM=8192; GK=8192; fi
part sgemm-fp32 120 jc 110 bench gemm --device gpu --m $GM --k $GK --seconds 2 --json
part sgemm-tf32 120 jc 110 bench gemm --device gpu --tf32 --m $GM --k $GK --seconds 2 --json
[ "$QUICK" = 1 ] || part torch-matmul 120 "$PY" "$HELPER" matmul --m $GM --k $GK

# ---- 4. NT-Xent resident against PyTorch's materialised CUDA NT-Xent, and the CPU engine ----
if [ "$QUICK" = 1 ]; then SIZES="256 1024"; LARGEST=2048; CPU_BATCH=1024; else SIZES="8192 65536 262144";
  LARGEST=1048576; CPU_BATCH=65536; fi
for b in $SIZES; do
  runs=(--warmup 1 --seconds 3 --runs 3)
  [ "$b" -ge 262144 ] && runs=(--warmup 0 --seconds 0 --runs 2)
  part "ntxent-$b-fp32" 150 jc 140 -Xmx16g bench loss --loss ntxent --batch "$b" --dim 128 --device gpu \
    --mode streaming "${runs[@]}" --json
  part "ntxent-$b-tf32" 150 jc 140 -Xmx16g bench loss --loss ntxent --batch "$b" --dim 128 --device gpu --tf32 \
    --mode streaming "${runs[@]}" --json
  if [ "$QUICK" != 1 ]; then
    part "torch-ntxent-$b-fp32" 150 timeout 140 "$PY" "$HELPER" ntxent --batch "$b" --repeats 3
    part "torch-ntxent-$b-tf32" 150 timeout 140 "$PY" "$HELPER" ntxent --batch "$b" --repeats 3 --tf32
  fi
done
part "cpu-ntxent-$CPU_BATCH-2threads" 150 jc 140 bench loss --loss ntxent --batch $CPU_BATCH --dim 128 --device cpu \
  --threads 2 --mode streaming --warmup 5 --seconds 0 --runs 1 --json

# ---- 5. the largest exact batch ----
part "ntxent-$LARGEST-fp32" 200 jc 190 -Xmx24g bench loss --loss ntxent --batch $LARGEST --dim 128 --device gpu \
  --mode streaming --warmup 0 --seconds 0 --runs 1 --json

"$PY" "$HELPER" report --parts "$PARTS" --out "$RESULT_DIR/gpu-check.json"
say "done: $RESULT_DIR/gpu-check.json"
failed=$(grep -l '"failed": true\|"ok": false' "$PARTS"/*.json 2>/dev/null | wc -l)
say "$failed part(s) failed"
[ "$failed" -eq 0 ]
