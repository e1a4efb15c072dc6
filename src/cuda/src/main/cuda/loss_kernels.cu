/*
 * Device kernels of the resident streaming losses (CudaResidentSweeps): the exponentials, row and
 * column sums and gradient weights of one tile S = R·Cᵀ, which cuBLAS computed into device memory.
 * Compiled to PTX by src/cuda/gen-ptx.sh; the driver JIT-compiles that for the card it finds.
 *
 * The tile holds rows [rowAnchor0, rowAnchor0 + m) of the anchors and columns colAnchor0 + j (or
 * no anchors, colAnchor0 < 0, for InfoNCE's bank), row-major with row stride ld. Entry (a, b) is
 * outside both rows when a == b under JC_EXCLUDE_SELF, a positive when the anchors' keys are equal
 * (keys null: no positives), and in the sum unless it is a positive and JC_POSITIVE_IN_SUM is off:
 * the same for anchor a and for anchor b, so one classification serves rows and columns alike.
 *
 * Per anchor the statistics are doubles: sumExp = Σ exp(β·s − max) over its summed entries,
 * merged tile by tile as AnchorStats.addPartition does, positiveSum = Σ s over its positives and
 * positives their count. With a shared shift M (every logit ≤ M, see TileSweep) max is M for every
 * anchor and the observe pass needs one exponential per entry for both sides.
 */
#include "loss_kernels.h"

#define SUMMED 1
#define POSITIVE 2
#define CHUNKS (JC_TILE_COLS / JC_BLOCK_X)
#define ROWS_PER_THREAD (JC_TILE_ROWS / JC_BLOCK_Y)
#define FULL_WARP 0xffffffffu

/* SUMMED and/or POSITIVE for entry (a, b), the same seen from a and from b; 0 when excluded. */
__device__ __forceinline__ int classify(int a, int b, int keyA, int keyB, int flags) {
    if ((flags & JC_EXCLUDE_SELF) && a == b) return 0;
    if (keyA < 0 || keyA != keyB) return SUMMED;
    return POSITIVE | ((flags & JC_POSITIVE_IN_SUM) ? SUMMED : 0);
}

__device__ __forceinline__ int key(const int *keys, int anchor) {
    return keys != nullptr && anchor >= 0 ? keys[anchor] : -1;
}

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = JC_BLOCK_X / 2; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_WARP, v, o);
    return v;
}

__device__ __forceinline__ int warp_sum_int(int v) {
    for (int o = JC_BLOCK_X / 2; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_WARP, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = JC_BLOCK_X / 2; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(FULL_WARP, v, o));
    return v;
}

/* Merges Σ exp(x − partMax) = partSum into the anchor's (max, sumExp), as AnchorStats.addPartition. */
__device__ void merge_partition(double *max, double *sumExp, int a, float partMax, float partSum) {
    if (partMax == -INFINITY) return;
    double m = max[a], s = sumExp[a], pm = partMax;
    if (pm > m) {
        sumExp[a] = s * exp(m - pm) + partSum;
        max[a] = pm;
    } else {
        sumExp[a] = s + partSum * exp(pm - m);
    }
}

/*
 * Observe pass with the shared shift: adds each row's and (JC_COLUMNS) each column's Σ exp(β·s −
 * shift) over its summed entries, and its positives, to the anchors' statistics with atomics.
 * Grid (⌈n/JC_TILE_COLS⌉, ⌈m/JC_TILE_ROWS⌉), blocks of JC_BLOCK_X × JC_BLOCK_Y.
 */
extern "C" __global__ void __launch_bounds__(JC_BLOCK_X * JC_BLOCK_Y)
jc_observe_shared(const float *__restrict__ s, int m, int n, int ld, float beta, float shift,
                  const int *__restrict__ keys, int rowAnchor0, int colAnchor0, int flags,
                  double *__restrict__ sumExp, double *__restrict__ positiveSum, int *__restrict__ positives) {
    __shared__ float colExp[JC_BLOCK_Y][JC_TILE_COLS];
    __shared__ float colPositive[JC_BLOCK_Y][JC_TILE_COLS];
    __shared__ int colCount[JC_BLOCK_Y][JC_TILE_COLS];
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int j0 = blockIdx.x * JC_TILE_COLS + tx, i0 = blockIdx.y * JC_TILE_ROWS + ty;
    float ce[CHUNKS], cp[CHUNKS];
    int cn[CHUNKS], keyB[CHUNKS];
    for (int c = 0; c < CHUNKS; c++) {
        int j = j0 + c * JC_BLOCK_X;
        ce[c] = cp[c] = 0.f;
        cn[c] = 0;
        keyB[c] = j < n && colAnchor0 >= 0 ? key(keys, colAnchor0 + j) : -1;
    }
    for (int r = 0; r < ROWS_PER_THREAD; r++) {
        int i = i0 + r * JC_BLOCK_Y; /* the same for the whole warp */
        if (i >= m) break;
        int a = rowAnchor0 + i, keyA = key(keys, a);
        const float *row = s + (size_t) i * ld;
        float re = 0.f, rp = 0.f;
        int rn = 0;
        for (int c = 0; c < CHUNKS; c++) {
            int j = j0 + c * JC_BLOCK_X;
            if (j >= n) break;
            float x = row[j];
            int f = classify(a, colAnchor0 + j, keyA, keyB[c], flags);
            float e = (f & SUMMED) ? expf(beta * x - shift) : 0.f;
            float p = (f & POSITIVE) ? x : 0.f;
            int q = (f & POSITIVE) ? 1 : 0;
            re += e;
            rp += p;
            rn += q;
            ce[c] += e;
            cp[c] += p;
            cn[c] += q;
        }
        re = warp_sum(re);
        rp = warp_sum(rp);
        rn = warp_sum_int(rn);
        if (tx == 0) {
            atomicAdd(&sumExp[a], (double) re);
            if (rn > 0) {
                atomicAdd(&positiveSum[a], (double) rp);
                atomicAdd(&positives[a], rn);
            }
        }
    }
    if (!(flags & JC_COLUMNS)) return; /* the same for the whole block */
    for (int c = 0; c < CHUNKS; c++) {
        colExp[ty][c * JC_BLOCK_X + tx] = ce[c];
        colPositive[ty][c * JC_BLOCK_X + tx] = cp[c];
        colCount[ty][c * JC_BLOCK_X + tx] = cn[c];
    }
    __syncthreads();
    for (int k = ty * JC_BLOCK_X + tx; k < JC_TILE_COLS; k += JC_BLOCK_X * JC_BLOCK_Y) {
        int j = blockIdx.x * JC_TILE_COLS + k;
        if (j >= n) break;
        float e = 0.f, p = 0.f;
        int q = 0;
        for (int y = 0; y < JC_BLOCK_Y; y++) {
            e += colExp[y][k];
            p += colPositive[y][k];
            q += colCount[y][k];
        }
        int b = colAnchor0 + j;
        atomicAdd(&sumExp[b], (double) e);
        if (q > 0) {
            atomicAdd(&positiveSum[b], (double) p);
            atomicAdd(&positives[b], q);
        }
    }
}

/*
 * Observe pass of the row anchors, each run shifted by its own max: one warp per row finds the
 * row's largest summed similarity, sums exp(β·s − β·max) and merges that into the anchor (no
 * other block touches the row in this launch; launches on one stream run in order).
 * Grid (⌈m/JC_BLOCK_Y⌉), blocks of JC_BLOCK_X × JC_BLOCK_Y.
 */
extern "C" __global__ void __launch_bounds__(JC_BLOCK_X * JC_BLOCK_Y)
jc_observe_rows(const float *__restrict__ s, int m, int n, int ld, float beta, const int *__restrict__ keys,
                int rowAnchor0, int colAnchor0, int flags, double *__restrict__ max, double *__restrict__ sumExp,
                double *__restrict__ positiveSum, int *__restrict__ positives) {
    const int lane = threadIdx.x, i = blockIdx.x * JC_BLOCK_Y + threadIdx.y;
    if (i >= m) return; /* the whole warp */
    const int a = rowAnchor0 + i, keyA = key(keys, a);
    const float *row = s + (size_t) i * ld;
    float best = -INFINITY, p = 0.f;
    int count = 0;
    for (int j = lane; j < n; j += JC_BLOCK_X) {
        int f = classify(a, colAnchor0 + j, keyA, colAnchor0 >= 0 ? key(keys, colAnchor0 + j) : -1, flags);
        float x = row[j];
        if (f & SUMMED) best = fmaxf(best, x);
        if (f & POSITIVE) {
            p += x;
            count++;
        }
    }
    float shift = beta * warp_max(best); /* β > 0: the largest logit is β times the largest similarity */
    float sum = 0.f;
    if (shift != -INFINITY) {
        for (int j = lane; j < n; j += JC_BLOCK_X) {
            int f = classify(a, colAnchor0 + j, keyA, colAnchor0 >= 0 ? key(keys, colAnchor0 + j) : -1, flags);
            if (f & SUMMED) sum += expf(beta * row[j] - shift);
        }
    }
    sum = warp_sum(sum);
    p = warp_sum(p);
    count = warp_sum_int(count);
    if (lane == 0) {
        merge_partition(max, sumExp, a, shift, sum);
        if (count > 0) {
            positiveSum[a] += p;
            positives[a] += count;
        }
    }
}

/*
 * Observe pass of the column anchors, each run shifted by its own max: one block per JC_BLOCK_X
 * columns, its JC_BLOCK_Y warps taking every JC_BLOCK_Y-th row, then merged into the anchor.
 * Grid (⌈n/JC_BLOCK_X⌉), blocks of JC_BLOCK_X × JC_BLOCK_Y; colAnchor0 ≥ 0.
 */
extern "C" __global__ void __launch_bounds__(JC_BLOCK_X * JC_BLOCK_Y)
jc_observe_columns(const float *__restrict__ s, int m, int n, int ld, float beta, const int *__restrict__ keys,
                   int rowAnchor0, int colAnchor0, int flags, double *__restrict__ max,
                   double *__restrict__ sumExp, double *__restrict__ positiveSum, int *__restrict__ positives) {
    __shared__ float part[JC_BLOCK_Y][JC_BLOCK_X];
    __shared__ float positivePart[JC_BLOCK_Y][JC_BLOCK_X];
    __shared__ int countPart[JC_BLOCK_Y][JC_BLOCK_X];
    const int tx = threadIdx.x, ty = threadIdx.y, j = blockIdx.x * JC_BLOCK_X + tx;
    const bool live = j < n;
    const int b = colAnchor0 + j, keyB = live ? key(keys, b) : -1;
    float best = -INFINITY, p = 0.f;
    int count = 0;
    for (int i = ty; live && i < m; i += JC_BLOCK_Y) {
        int f = classify(rowAnchor0 + i, b, key(keys, rowAnchor0 + i), keyB, flags);
        float x = s[(size_t) i * ld + j];
        if (f & SUMMED) best = fmaxf(best, x);
        if (f & POSITIVE) {
            p += x;
            count++;
        }
    }
    part[ty][tx] = best;
    positivePart[ty][tx] = p;
    countPart[ty][tx] = count;
    __syncthreads();
    if (ty == 0) {
        for (int y = 1; y < JC_BLOCK_Y; y++) best = fmaxf(best, part[y][tx]);
        part[0][tx] = beta * best;
    }
    __syncthreads();
    const float shift = part[0][tx];
    float sum = 0.f;
    for (int i = ty; live && shift != -INFINITY && i < m; i += JC_BLOCK_Y) {
        int f = classify(rowAnchor0 + i, b, key(keys, rowAnchor0 + i), keyB, flags);
        if (f & SUMMED) sum += expf(beta * s[(size_t) i * ld + j] - shift);
    }
    __syncthreads(); /* everyone has read the shift before row 0 of part is reused */
    part[ty][tx] = sum;
    __syncthreads();
    if (ty == 0 && live) {
        for (int y = 1; y < JC_BLOCK_Y; y++) {
            sum += part[y][tx];
            p += positivePart[y][tx];
            count += countPart[y][tx];
        }
        merge_partition(max, sumExp, b, shift, sum);
        if (count > 0) {
            positiveSum[b] += p;
            positives[b] += count;
        }
    }
}

/*
 * Gradient pass: turns the tile into H = ∂L/∂S in place. For each anchor x of an entry (the row's;
 * the column's too under JC_COLUMNS) ∂L/∂s gains weight[x]·exp(β·s − shift_x) when the entry is in
 * x's sum and positiveGradient[x] when it is x's positive; shift_x is the shared shift under
 * JC_SHARED (one exponential per entry), else anchorShift[x].
 * Grid (⌈n/JC_TILE_COLS⌉, ⌈m/JC_TILE_ROWS⌉), blocks of JC_BLOCK_X × JC_BLOCK_Y.
 */
extern "C" __global__ void __launch_bounds__(JC_BLOCK_X * JC_BLOCK_Y)
jc_gradient(float *__restrict__ s, int m, int n, int ld, float beta, float shift, const int *__restrict__ keys,
            int rowAnchor0, int colAnchor0, int flags, const float *__restrict__ anchorShift,
            const float *__restrict__ weight, const float *__restrict__ positiveGradient) {
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int j0 = blockIdx.x * JC_TILE_COLS + tx, i0 = blockIdx.y * JC_TILE_ROWS + ty;
    const bool columns = (flags & JC_COLUMNS) != 0, shared = (flags & JC_SHARED) != 0;
    float wB[CHUNKS], mB[CHUNKS], gB[CHUNKS];
    int keyB[CHUNKS];
    for (int c = 0; c < CHUNKS; c++) {
        int j = j0 + c * JC_BLOCK_X, b = colAnchor0 + j;
        bool anchored = columns && j < n;
        keyB[c] = j < n && colAnchor0 >= 0 ? key(keys, b) : -1;
        wB[c] = anchored ? weight[b] : 0.f;
        mB[c] = anchored && !shared ? anchorShift[b] : 0.f;
        gB[c] = anchored ? positiveGradient[b] : 0.f;
    }
    for (int r = 0; r < ROWS_PER_THREAD; r++) {
        int i = i0 + r * JC_BLOCK_Y;
        if (i >= m) break;
        int a = rowAnchor0 + i, keyA = key(keys, a);
        float wA = weight[a], mA = shared ? shift : anchorShift[a], gA = positiveGradient[a];
        float *row = s + (size_t) i * ld;
        for (int c = 0; c < CHUNKS; c++) {
            int j = j0 + c * JC_BLOCK_X;
            if (j >= n) break;
            int f = classify(a, colAnchor0 + j, keyA, keyB[c], flags);
            float l = beta * row[j], h = 0.f;
            if (f & SUMMED) {
                h = shared ? expf(l - shift) * (wA + wB[c]) : wA * expf(l - mA) + (columns ? wB[c] * expf(l - mB[c]) : 0.f);
            }
            if (f & POSITIVE) h += gA + gB[c];
            row[j] = h;
        }
    }
}
