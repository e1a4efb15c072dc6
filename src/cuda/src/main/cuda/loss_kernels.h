/*
 * The contract of the streaming-loss kernels (loss_kernels.cu): launch geometry and flag bits.
 * LossKernels.java repeats these numbers, and the test stub (src/test/c/cuda_stub.c) includes this
 * file to check every launch against them.
 */
#ifndef JCONTRAST_LOSS_KERNELS_H
#define JCONTRAST_LOSS_KERNELS_H

/* Every kernel runs blocks of JC_BLOCK_X × JC_BLOCK_Y threads: one warp per block row. */
#define JC_BLOCK_X 32
#define JC_BLOCK_Y 8
/* jc_observe_shared and jc_gradient: each block covers JC_TILE_ROWS rows × JC_TILE_COLS columns. */
#define JC_TILE_COLS 128
#define JC_TILE_ROWS 64
/* jc_observe_rows: one warp per row. jc_observe_columns: one block per JC_BLOCK_X columns. */

/* Flag bits of the kernels' flags argument. */
#define JC_EXCLUDE_SELF 1     /* entry (a, b) with a == b is outside both anchors' rows (one tower) */
#define JC_POSITIVE_IN_SUM 2  /* positives enter the sum (not DCL, DCLW) */
#define JC_COLUMNS 4          /* the columns are anchors whose statistics (observe) or terms (gradient) count */
#define JC_SHARED 8           /* jc_gradient: every anchor shares the shift; otherwise each has its own */

#endif
