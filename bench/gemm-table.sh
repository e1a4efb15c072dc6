#!/usr/bin/env bash
# The GEMM table of bench/RESULTS.md: C = A·Aᵀ by jcontrast's SGEMM and symmetric kernel, timed in
# turns with OpenBLAS's cblas_sgemm in the same process, for each shape and thread count. Prints
# a Markdown table on stdout (progress on stderr).
#
#   bench/gemm-table.sh                 # the shapes and thread counts of RESULTS.md
#   SECONDS_PER_RUN=20 bench/gemm-table.sh
#   SHAPES="2048x128 4096x512" THREADS="1" bench/gemm-table.sh
#
# Needs OpenBLAS (Debian: libopenblas0); -Djcontrast.openblas.path=... can go in JCONTRAST_OPTS.
# The bench process starts without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE: some environments pin
# OpenBLAS to older kernels with them (Haswell's AVX2 on an AVX-512 CPU, about half its speed), and
# OpenBLAS reads them once, when it loads. jcontrast's kernels read neither, so unsetting them in
# that one child process changes only the peer; the table names the core OpenBLAS then chose, and
# both products are checked against float64 on sampled rows. Tests and CI never unset them.
# GFLOP/s are 2·M·M·K / median seconds for all three, the symmetric kernel included (it computes
# half of that and mirrors). "% of peak" divides by the best multiply-add rate a loop with no memory
# traffic reached at that thread count in any of the runs (the bench measures it after timing).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHAPES=${SHAPES:-"2048x128 8192x128 4096x512 4096x2048 1024x1024"}
THREADS=${THREADS:-"1 2"}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}

# Value of a number or string field in the bench's one-line JSON object.
field() {
  sed -n "s/.*\"$1\": \"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$2"
}

declare -A peak
results=()
for t in $THREADS; do
  for shape in $SHAPES; do
    m=${shape%x*}
    k=${shape#*x}
    echo "gemm-table: M=$m K=$k threads=$t ..." >&2
    json=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$ROOT/jcontrast" bench gemm --m "$m" --k "$k" \
           --threads "$t" --seconds "$SECONDS_PER_RUN" --vs openblas --json 2>/dev/null | tail -n 1)
    results+=("$json")
    p=$(field gflops_peak "$json")
    if awk -v p="$p" -v q="${peak[$t]:-0}" 'BEGIN { exit !(p > q) }'; then
      peak[$t]=$p
    fi
  done
done

first=${results[0]}
cpu() {
  sed -n "s/^$1[[:space:]]*: //p" /proc/cpuinfo | head -n 1
}
echo "Date: $(date -u +%Y-%m-%d). CPU: $(cpu 'model name') (family $(cpu 'cpu family') model $(cpu model)," \
     "flags: $(grep -o -w -E 'avx512f|avx2|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')), $(nproc) processors." \
     "$(field openblas "$first"), core $(field openblas_core "$first")" \
     "(bench process started without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE${OPENBLAS_CORETYPE:+; this shell has OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE})."
for t in $THREADS; do
  printf 'Peak (multiply-adds, no memory traffic), %s thread(s): %.1f GFLOP/s.\n' "$t" "${peak[$t]}"
done
echo
echo "| M | K | threads | jcontrast sgemm GFLOP/s | jcontrast sym GFLOP/s | OpenBLAS GFLOP/s | sgemm / OpenBLAS | sym / OpenBLAS | sgemm % of peak | OpenBLAS % of peak | error vs float64, sgemm / OpenBLAS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for json in "${results[@]}"; do
  t=$(field threads "$json")
  awk -v m="$(field m "$json")" -v k="$(field k "$json")" -v t="$t" -v g="$(field gflops_gemm "$json")" \
      -v s="$(field gflops_sym "$json")" -v o="$(field gflops_openblas "$json")" -v p="${peak[$t]}" \
      -v eg="$(field err_f64_gemm "$json")" -v eo="$(field err_f64_openblas "$json")" \
      'BEGIN { printf "| %d | %d | %d | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.0f%% | %.0f%% | %.1e / %.1e |\n",
               m, k, t, g, s, o, g / o, s / o, 100 * g / p, 100 * o / p, eg, eo }'
done
