/*
 * Test stub of libcudart, libcublas and libcuda for jcontrast-cuda: the functions the backend binds,
 * with host memory standing in for device memory, a float64 reference column-major SGEMM/SYRK, and
 * the streaming-loss kernels of src/main/cuda/loss_kernels.cu emulated by name in float64.
 * Built by the tests with gcc; never part of the product.
 *
 * It checks its arguments as the real libraries document them (leading dimensions, enums, pointers
 * that must lie inside live device or pinned allocations), fills new device memory with NaN so that
 * reading C when beta == 0 shows, writes only the asked triangle in SYRK, and rounds inputs to TF32
 * when asked. Control functions (stub_*) let tests report 0 devices, fail a chosen function with a
 * chosen code (at once or after some good calls), and count calls and live objects.
 *
 * The driver part loads a PTX text only if every kernel it emulates is declared there with the
 * parameters it reads, needs the context the runtime makes current on a thread (cudaSetDevice), and
 * checks every launch: the geometry loss_kernels.h fixes, the stream, and that every pointer covers
 * the rows, columns and anchors the arguments say.
 *
 * -DSTUB_WITHOUT_SYRK leaves cublasSsyrk_v2 out (a missing symbol); -DSTUB_CUDA11 looks like CUDA
 * 11.x: no cudaGetDeviceProperties_v2 and no cublasGetStatusString.
 */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss_kernels.h"

typedef void *stream_t;
typedef void *handle_t;

enum { CUDA_SUCCESS = 0, CUDA_INVALID_VALUE = 1, CUDA_OUT_OF_MEMORY = 2, CUDA_INVALID_DEVICE = 101 };
enum { BLAS_SUCCESS = 0, BLAS_NOT_INITIALIZED = 1, BLAS_INVALID_VALUE = 7, BLAS_NOT_SUPPORTED = 15 };
enum { KIND_DEVICE, KIND_PINNED, KIND_STREAM, KIND_HANDLE, KIND_MODULE, KINDS };
static const char *KIND_NAMES[KINDS] = {"device", "pinned", "stream", "handle", "module"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int driver_initialised; /* cuInit has succeeded */

/* ---- control: device count, compute capability, injected failures, call counts ---- */

#define MAX_FUNCTIONS 64
static struct { char name[48]; int calls; int successes_left; int fail; } functions[MAX_FUNCTIONS];
static int function_count;
static int device_count = 1;
static int cc_major = 8, cc_minor = 0;

static int function_index(const char *name) {
    for (int i = 0; i < function_count; i++) {
        if (strcmp(functions[i].name, name) == 0) return i;
    }
    if (function_count == MAX_FUNCTIONS) abort();
    memset(&functions[function_count], 0, sizeof functions[0]);
    strncpy(functions[function_count].name, name, sizeof functions[0].name - 1);
    return function_count++;
}

/* Counts a call and returns the failure code injected for it, 0 if none (yet). */
static int enter(const char *name) {
    pthread_mutex_lock(&lock);
    int i = function_index(name);
    functions[i].calls++;
    int fail = 0;
    if (functions[i].fail != 0 && functions[i].successes_left-- <= 0) fail = functions[i].fail;
    pthread_mutex_unlock(&lock);
    return fail;
}

#define ENTER() do { int injected_ = enter(__func__); if (injected_) return injected_; } while (0)

void stub_reset(void) {
    pthread_mutex_lock(&lock);
    function_count = 0;
    device_count = 1;
    driver_initialised = 0;
    cc_major = 8;
    cc_minor = 0;
    pthread_mutex_unlock(&lock);
}

void stub_set_device_count(int n) { device_count = n; }

void stub_set_compute_capability(int major, int minor) { cc_major = major; cc_minor = minor; }

/* After `successes` more good calls (until stub_reset), the named function returns code and does nothing. */
void stub_fail_after(const char *name, int successes, int code) {
    pthread_mutex_lock(&lock);
    int i = function_index(name);
    functions[i].successes_left = successes;
    functions[i].fail = code;
    pthread_mutex_unlock(&lock);
}

int stub_calls(const char *name) {
    pthread_mutex_lock(&lock);
    int calls = functions[function_index(name)].calls;
    pthread_mutex_unlock(&lock);
    return calls;
}

/* ---- live objects: device and pinned allocations, streams, handles ---- */

#define MAX_OBJECTS 4096
static struct { char *base; size_t bytes; int kind; } objects[MAX_OBJECTS];

static int track(void *p, size_t bytes, int kind) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_OBJECTS; i++) {
        if (objects[i].base == NULL) {
            objects[i].base = p;
            objects[i].bytes = bytes;
            objects[i].kind = kind;
            pthread_mutex_unlock(&lock);
            return 1;
        }
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

static int untrack(void *p, int kind) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_OBJECTS; i++) {
        if (objects[i].base == p && objects[i].kind == kind) {
            objects[i].base = NULL;
            pthread_mutex_unlock(&lock);
            return 1;
        }
    }
    pthread_mutex_unlock(&lock);
    return 0;
}

/* True when [p, p + bytes) lies inside one live object of the kind. */
static int inside(const void *p, size_t bytes, int kind) {
    const char *c = p;
    int found = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_OBJECTS && !found; i++) {
        found = objects[i].base != NULL && objects[i].kind == kind && c >= objects[i].base
                && c + bytes <= objects[i].base + objects[i].bytes;
    }
    pthread_mutex_unlock(&lock);
    return found;
}

int stub_live(const char *kind) {
    int n = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_OBJECTS; i++) {
        n += objects[i].base != NULL && strcmp(KIND_NAMES[objects[i].kind], kind) == 0;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

static size_t device_bytes_in_use(void) {
    size_t n = 0;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < MAX_OBJECTS; i++) {
        if (objects[i].base != NULL && objects[i].kind == KIND_DEVICE) n += objects[i].bytes;
    }
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- libcudart ---- */

#define DEVICE_MEMORY (16ULL << 30)

int cudaRuntimeGetVersion(int *version) {
    ENTER();
#ifdef STUB_CUDA11
    *version = 11080;
#else
    *version = 12040;
#endif
    return CUDA_SUCCESS;
}

int cudaGetDeviceCount(int *count) {
    ENTER();
    *count = device_count;
    return CUDA_SUCCESS;
}

/* Whether this thread has the device's context current: cudaSetDevice makes it so, as CUDA 12 does. */
static __thread int context_current;

int cudaSetDevice(int device) {
    ENTER();
    if (device < 0 || device >= device_count) return CUDA_INVALID_DEVICE;
    context_current = 1;
    return CUDA_SUCCESS;
}

int cudaDeviceGetAttribute(int *value, int attribute, int device) {
    ENTER();
    if (device < 0 || device >= device_count) return CUDA_INVALID_DEVICE;
    switch (attribute) {
        case 16: *value = 132; return CUDA_SUCCESS;      /* multiprocessors */
        case 75: *value = cc_major; return CUDA_SUCCESS; /* compute capability */
        case 76: *value = cc_minor; return CUDA_SUCCESS;
        default: return CUDA_INVALID_VALUE;
    }
}

/* Writes the name at offset 0, then zeros over the size a CUDA 12 cudaDeviceProp has. */
static int properties(void *prop, int device, const char *name) {
    if (device < 0 || device >= device_count) return CUDA_INVALID_DEVICE;
    memset(prop, 0, 1032);
    strcpy(prop, name);
    return CUDA_SUCCESS;
}

int cudaGetDeviceProperties(void *prop, int device) {
    ENTER();
    return properties(prop, device, "jcontrast stub GPU (CUDA 11 layout)");
}

#ifndef STUB_CUDA11
int cudaGetDeviceProperties_v2(void *prop, int device) {
    ENTER();
    return properties(prop, device, "jcontrast stub GPU");
}
#endif

int cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes) {
    ENTER();
    *total_bytes = DEVICE_MEMORY;
    *free_bytes = DEVICE_MEMORY - device_bytes_in_use();
    return CUDA_SUCCESS;
}

static int allocate(void **p, size_t bytes, int kind) {
    if (p == NULL) return CUDA_INVALID_VALUE;
    if (bytes == 0) {
        *p = NULL;
        return CUDA_SUCCESS;
    }
    void *mem = malloc(bytes);
    if (mem == NULL) return CUDA_OUT_OF_MEMORY;
    memset(mem, 0xff, bytes); /* NaN in every float: reading what was never written shows */
    if (!track(mem, bytes, kind)) {
        free(mem);
        return CUDA_OUT_OF_MEMORY;
    }
    *p = mem;
    return CUDA_SUCCESS;
}

static int release(void *p, int kind) {
    if (p == NULL) return CUDA_SUCCESS;
    if (!untrack(p, kind)) return CUDA_INVALID_VALUE;
    free(p);
    return CUDA_SUCCESS;
}

int cudaMalloc(void **p, size_t bytes) { ENTER(); return allocate(p, bytes, KIND_DEVICE); }
int cudaFree(void *p) { ENTER(); return release(p, KIND_DEVICE); }
int cudaMallocHost(void **p, size_t bytes) { ENTER(); return allocate(p, bytes, KIND_PINNED); }
int cudaFreeHost(void *p) { ENTER(); return release(p, KIND_PINNED); }

static int live_stream(stream_t s) { return s == NULL || inside(s, 1, KIND_STREAM); }

/* Only pinned <-> device copies: jcontrast always stages through pinned memory. */
int cudaMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, stream_t stream) {
    ENTER();
    if (!live_stream(stream)) return CUDA_INVALID_VALUE;
    int ok = (kind == 1 && inside(dst, bytes, KIND_DEVICE) && inside(src, bytes, KIND_PINNED))
          || (kind == 2 && inside(dst, bytes, KIND_PINNED) && inside(src, bytes, KIND_DEVICE));
    if (!ok) return CUDA_INVALID_VALUE;
    memcpy(dst, src, bytes);
    return CUDA_SUCCESS;
}

int cudaMemsetAsync(void *dst, int value, size_t bytes, stream_t stream) {
    ENTER();
    if (!live_stream(stream) || !inside(dst, bytes, KIND_DEVICE)) return CUDA_INVALID_VALUE;
    memset(dst, value, bytes);
    return CUDA_SUCCESS;
}

int cudaStreamCreate(stream_t *stream) {
    ENTER();
    void *s = malloc(16);
    if (s == NULL || !track(s, 16, KIND_STREAM)) return CUDA_OUT_OF_MEMORY;
    *stream = s;
    return CUDA_SUCCESS;
}

int cudaStreamDestroy(stream_t stream) {
    ENTER();
    if (stream == NULL || !untrack(stream, KIND_STREAM)) return CUDA_INVALID_VALUE;
    free(stream);
    return CUDA_SUCCESS;
}

int cudaStreamSynchronize(stream_t stream) {
    ENTER();
    return live_stream(stream) ? CUDA_SUCCESS : CUDA_INVALID_VALUE;
}

const char *cudaGetErrorString(int error) {
    switch (error) {
        case 0: return "no error";
        case 1: return "stub: invalid argument";
        case 2: return "stub: out of memory";
        case 35: return "stub: CUDA driver version is insufficient for CUDA runtime version";
        case 100: return "stub: no CUDA-capable device is detected";
        case 101: return "stub: invalid device ordinal";
        case 700: return "stub: an illegal memory access was encountered";
        default: return "stub: unrecognized error code";
    }
}

/* ---- libcublas ---- */

typedef struct { stream_t stream; int math; } context_t;

static int live_handle(handle_t h) { return h != NULL && inside(h, sizeof(context_t), KIND_HANDLE); }

int cublasCreate_v2(handle_t *handle) {
    ENTER();
    context_t *h = calloc(1, sizeof(context_t));
    if (h == NULL || !track(h, sizeof(context_t), KIND_HANDLE)) return BLAS_NOT_INITIALIZED;
    *handle = h;
    return BLAS_SUCCESS;
}

int cublasDestroy_v2(handle_t handle) {
    ENTER();
    if (!live_handle(handle)) return BLAS_NOT_INITIALIZED;
    untrack(handle, KIND_HANDLE);
    free(handle);
    return BLAS_SUCCESS;
}

int cublasSetStream_v2(handle_t handle, stream_t stream) {
    ENTER();
    if (!live_handle(handle)) return BLAS_NOT_INITIALIZED;
    if (!live_stream(stream)) return BLAS_INVALID_VALUE;
    ((context_t *) handle)->stream = stream;
    return BLAS_SUCCESS;
}

int cublasSetMathMode(handle_t handle, int mode) {
    ENTER();
    if (!live_handle(handle)) return BLAS_NOT_INITIALIZED;
    if (mode != 0 && mode != 1 && mode != 2 && mode != 3) return BLAS_INVALID_VALUE;
    ((context_t *) handle)->math = mode;
    return BLAS_SUCCESS;
}

/* Round to nearest TF32: 10 explicit mantissa bits. */
static double tf32(float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    if ((bits & 0x7f800000u) != 0x7f800000u) bits = (bits + 0x1000u) & 0xffffe000u;
    memcpy(&x, &bits, 4);
    return x;
}

/* A column-major rows×cols matrix with leading dimension ld must lie in device memory. */
static int device_matrix(const float *p, int rows, int cols, int ld) {
    if (ld < (rows > 1 ? rows : 1)) return 0;
    if (rows == 0 || cols == 0) return 1;
    return inside(p, ((size_t) ld * (cols - 1) + rows) * sizeof(float), KIND_DEVICE);
}

static int sgemm(handle_t handle, int ta, int tb, int m, int n, int k, const float *alpha, const float *a,
                 int lda, const float *b, int ldb, const float *beta, float *c, int ldc, int round_tf32) {
    if (!live_handle(handle)) return BLAS_NOT_INITIALIZED;
    if (ta < 0 || ta > 2 || tb < 0 || tb > 2 || m < 0 || n < 0 || k < 0) return BLAS_INVALID_VALUE;
    if (!device_matrix(a, ta ? k : m, ta ? m : k, lda) || !device_matrix(b, tb ? n : k, tb ? k : n, ldb)
        || !device_matrix(c, m, n, ldc)) {
        return BLAS_INVALID_VALUE;
    }
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float x = ta ? a[p + (size_t) i * lda] : a[i + (size_t) p * lda];
                float y = tb ? b[j + (size_t) p * ldb] : b[p + (size_t) j * ldb];
                s += round_tf32 ? tf32(x) * tf32(y) : (double) x * y;
            }
            float *cij = &c[i + (size_t) j * ldc];
            *cij = (float) (*alpha * s + (*beta == 0 ? 0 : *beta * (double) *cij));
        }
    }
    return BLAS_SUCCESS;
}

int cublasSgemm_v2(handle_t handle, int ta, int tb, int m, int n, int k, const float *alpha, const float *a,
                   int lda, const float *b, int ldb, const float *beta, float *c, int ldc) {
    ENTER();
    return sgemm(handle, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 0);
}

int cublasGemmEx(handle_t handle, int ta, int tb, int m, int n, int k, const void *alpha, const void *a,
                 int a_type, int lda, const void *b, int b_type, int ldb, const void *beta, void *c, int c_type,
                 int ldc, int compute_type, int algo) {
    ENTER();
    if (a_type != 0 || b_type != 0 || c_type != 0) return BLAS_NOT_SUPPORTED; /* CUDA_R_32F only here */
    if (compute_type != 68 && compute_type != 77) return BLAS_NOT_SUPPORTED;   /* 32F, 32F_FAST_TF32 */
    if (algo < -1) return BLAS_INVALID_VALUE;
    return sgemm(handle, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, compute_type == 77);
}

#ifndef STUB_WITHOUT_SYRK
int cublasSsyrk_v2(handle_t handle, int uplo, int trans, int n, int k, const float *alpha, const float *a,
                   int lda, const float *beta, float *c, int ldc) {
    ENTER();
    if (!live_handle(handle)) return BLAS_NOT_INITIALIZED;
    if ((uplo != 0 && uplo != 1) || trans < 0 || trans > 2 || n < 0 || k < 0) return BLAS_INVALID_VALUE;
    if (!device_matrix(a, trans ? k : n, trans ? n : k, lda) || !device_matrix(c, n, n, ldc)) {
        return BLAS_INVALID_VALUE;
    }
    for (int j = 0; j < n; j++) {
        int from = uplo == 0 ? j : 0, to = uplo == 0 ? n : j + 1; /* LOWER: i >= j; UPPER: i <= j */
        for (int i = from; i < to; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float x = trans ? a[p + (size_t) i * lda] : a[i + (size_t) p * lda];
                float y = trans ? a[p + (size_t) j * lda] : a[j + (size_t) p * lda];
                s += (double) x * y;
            }
            float *cij = &c[i + (size_t) j * ldc];
            *cij = (float) (*alpha * s + (*beta == 0 ? 0 : *beta * (double) *cij));
        }
    }
    return BLAS_SUCCESS;
}
#endif

#ifndef STUB_CUDA11
const char *cublasGetStatusString(int status) {
    switch (status) {
        case 0: return "stub: success";
        case 1: return "stub: the library was not initialized";
        case 3: return "stub: the resource allocation failed";
        case 7: return "stub: an invalid numeric value was used as an argument";
        case 13: return "stub: the GPU program failed to execute";
        case 14: return "stub: an internal operation failed";
        case 15: return "stub: the functionality requested is not supported";
        default: return "stub: unknown status";
    }
}
#endif

/* ---- libcuda: modules of PTX text, and the streaming-loss kernels emulated in float64 ---- */

enum {
    DRV_SUCCESS = 0, DRV_INVALID_VALUE = 1, DRV_NOT_INITIALIZED = 3, DRV_NO_DEVICE = 100, DRV_INVALID_IMAGE = 200,
    DRV_INVALID_CONTEXT = 201, DRV_INVALID_HANDLE = 400, DRV_NOT_FOUND = 500, DRV_LAUNCH_FAILED = 719
};
enum { SUMMED = 1, POSITIVE = 2 };

/* Why the last launch on this thread was refused: the text cuGetErrorString gives for an invalid value. */
static __thread char refusal[512];

__attribute__((format(printf, 1, 2))) static int refuse(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(refusal, sizeof refusal, format, args);
    va_end(args);
    return DRV_INVALID_VALUE;
}

#define P(k) (*(void **) params[k])
#define I(k) (*(int *) params[k])
#define F(k) (*(float *) params[k])

/* A tile of S as the kernels take it (see loss_kernels.cu). */
typedef struct { const float *s; int m, n, ld; float beta; const int *keys; int row0, col0, flags; } tile_t;

/* One past the largest anchor whose statistics the tile touches: its rows, and its columns when counted. */
static size_t anchors_end(const tile_t *t, int columns) {
    size_t end = (size_t) t->row0 + t->m;
    if (columns && (size_t) t->col0 + t->n > end) end = (size_t) t->col0 + t->n;
    return end;
}

static int check_tile(const char *name, const tile_t *t) {
    if (t->m < 1 || t->n < 1 || t->ld < t->n) return refuse("%s: a %dx%d tile with row stride %d", name, t->m, t->n, t->ld);
    if (!inside(t->s, ((size_t) (t->m - 1) * t->ld + t->n) * sizeof(float), KIND_DEVICE)) {
        return refuse("%s: the %dx%d tile is not in device memory", name, t->m, t->n);
    }
    if (!(t->beta > 0) || t->row0 < 0) return refuse("%s: beta %g, row anchor %d", name, t->beta, t->row0);
    if (t->flags & ~(JC_EXCLUDE_SELF | JC_POSITIVE_IN_SUM | JC_COLUMNS | JC_SHARED)) {
        return refuse("%s: unknown flags %d", name, t->flags);
    }
    if ((t->keys != NULL || (t->flags & (JC_COLUMNS | JC_EXCLUDE_SELF))) && t->col0 < 0) {
        return refuse("%s: keys, column anchors or self-exclusion without column anchors", name);
    }
    if (t->keys != NULL && !inside(t->keys, anchors_end(t, 1) * sizeof(int), KIND_DEVICE)) {
        return refuse("%s: the keys do not cover anchor %zu", name, anchors_end(t, 1) - 1);
    }
    return 0;
}

static int check_grid(const char *name, unsigned gx, unsigned gy, unsigned bx, unsigned by, unsigned want_x,
                      unsigned want_y) {
    if (bx != JC_BLOCK_X || by != JC_BLOCK_Y) return refuse("%s: blocks of %ux%u threads", name, bx, by);
    if (gx != want_x || gy != want_y) return refuse("%s: a grid of %ux%u where the tile needs %ux%u", name, gx, gy, want_x, want_y);
    return 0;
}

/* The per-anchor array must cover every anchor up to end. */
static int check_array(const char *name, const char *what, const void *p, size_t end, size_t size) {
    if (p == NULL || !inside(p, end * size, KIND_DEVICE)) return refuse("%s: %s does not cover anchor %zu", name, what, end - 1);
    return 0;
}

static unsigned blocks(int size, int per) { return (unsigned) ((size + per - 1) / per); }

/* SUMMED and/or POSITIVE for entry (a, b), as classify() of loss_kernels.cu. */
static int role(const tile_t *t, int a, int b) {
    if ((t->flags & JC_EXCLUDE_SELF) && a == b) return 0;
    int key_a = t->keys != NULL ? t->keys[a] : -1, key_b = t->keys != NULL && b >= 0 ? t->keys[b] : -1;
    if (key_a < 0 || key_a != key_b) return SUMMED;
    return POSITIVE | ((t->flags & JC_POSITIVE_IN_SUM) ? SUMMED : 0);
}

static double entry(const tile_t *t, int i, int j) { return t->s[(size_t) i * t->ld + j]; }

static void merge(double *max, double *sum, size_t a, double part_max, double part_sum) {
    if (part_max == -INFINITY) return;
    if (part_max > max[a]) {
        sum[a] = sum[a] * exp(max[a] - part_max) + part_sum;
        max[a] = part_max;
    } else {
        sum[a] += part_sum * exp(part_max - max[a]);
    }
}

static int observe_shared(unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params) {
    const char *name = "jc_observe_shared";
    tile_t t = {P(0), I(1), I(2), I(3), F(4), P(6), I(7), I(8), I(9)};
    double shift = F(5), *sum = P(10), *positive_sum = P(11);
    int *positives = P(12), columns = (t.flags & JC_COLUMNS) != 0, bad;
    if ((bad = check_tile(name, &t)) || (bad = check_grid(name, gx, gy, bx, by, blocks(t.n, JC_TILE_COLS), blocks(t.m, JC_TILE_ROWS)))
        || (bad = check_array(name, "sumExp", sum, anchors_end(&t, columns), sizeof(double)))
        || (bad = check_array(name, "positiveSum", positive_sum, anchors_end(&t, columns), sizeof(double)))
        || (bad = check_array(name, "positives", positives, anchors_end(&t, columns), sizeof(int)))) {
        return bad;
    }
    for (int i = 0; i < t.m; i++) {
        for (int j = 0; j < t.n; j++) {
            int a = t.row0 + i, b = t.col0 < 0 ? -1 : t.col0 + j, f = role(&t, a, b);
            double x = entry(&t, i, j), e = exp(t.beta * x - shift);
            if (f & SUMMED) {
                sum[a] += e;
                if (columns) sum[b] += e;
            }
            if (f & POSITIVE) {
                positive_sum[a] += x;
                positives[a]++;
                if (columns) {
                    positive_sum[b] += x;
                    positives[b]++;
                }
            }
        }
    }
    return 0;
}

/* Observes the row (rows != 0) or column k of the tile, shifted by its own max, into its anchor. */
static void observe_run(const tile_t *t, int rows, int k, double *max, double *sum, double *positive_sum, int *positives) {
    int length = rows ? t->n : t->m, anchor = rows ? t->row0 + k : t->col0 + k;
    double best = -INFINITY, total = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int q = 0; q < length; q++) {
            int a = rows ? anchor : t->row0 + q, b = rows ? (t->col0 < 0 ? -1 : t->col0 + q) : anchor;
            int f = role(t, a, b);
            double x = rows ? entry(t, k, q) : entry(t, q, k);
            if (pass == 0 && (f & SUMMED) && x > best) best = x;
            if (pass == 0 && (f & POSITIVE)) {
                positive_sum[anchor] += x;
                positives[anchor]++;
            }
            if (pass == 1 && (f & SUMMED)) total += exp(t->beta * x - t->beta * best);
        }
    }
    merge(max, sum, anchor, best == -INFINITY ? -INFINITY : t->beta * best, total);
}

static int observe_runs(const char *name, int rows, unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params) {
    tile_t t = {P(0), I(1), I(2), I(3), F(4), P(5), I(6), I(7), I(8)};
    double *max = P(9), *sum = P(10), *positive_sum = P(11);
    int *positives = P(12), bad;
    size_t end = rows ? (size_t) t.row0 + t.m : (size_t) t.col0 + t.n;
    if ((bad = check_tile(name, &t))) return bad;
    if (!rows && t.col0 < 0) return refuse("%s: the columns are not anchors", name);
    if ((bad = check_grid(name, gx, gy, bx, by, rows ? blocks(t.m, JC_BLOCK_Y) : blocks(t.n, JC_BLOCK_X), 1))
        || (bad = check_array(name, "max", max, end, sizeof(double)))
        || (bad = check_array(name, "sumExp", sum, end, sizeof(double)))
        || (bad = check_array(name, "positiveSum", positive_sum, end, sizeof(double)))
        || (bad = check_array(name, "positives", positives, end, sizeof(int)))) {
        return bad;
    }
    for (int k = 0; k < (rows ? t.m : t.n); k++) observe_run(&t, rows, k, max, sum, positive_sum, positives);
    return 0;
}

static int observe_rows(unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params) {
    return observe_runs("jc_observe_rows", 1, gx, gy, bx, by, params);
}

static int observe_columns(unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params) {
    return observe_runs("jc_observe_columns", 0, gx, gy, bx, by, params);
}

static int gradient(unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params) {
    const char *name = "jc_gradient";
    tile_t t = {P(0), I(1), I(2), I(3), F(4), P(6), I(7), I(8), I(9)};
    double shared_shift = F(5);
    const float *shift = P(10), *weight = P(11), *positive_gradient = P(12);
    int columns = (t.flags & JC_COLUMNS) != 0, shared = (t.flags & JC_SHARED) != 0, bad;
    size_t end = anchors_end(&t, columns);
    if ((bad = check_tile(name, &t)) || (bad = check_grid(name, gx, gy, bx, by, blocks(t.n, JC_TILE_COLS), blocks(t.m, JC_TILE_ROWS)))
        || (!shared && (bad = check_array(name, "anchorShift", shift, end, sizeof(float))))
        || (bad = check_array(name, "weight", weight, end, sizeof(float)))
        || (bad = check_array(name, "positiveGradient", positive_gradient, end, sizeof(float)))) {
        return bad;
    }
    float *s = (float *) t.s;
    for (int i = 0; i < t.m; i++) {
        for (int j = 0; j < t.n; j++) {
            int a = t.row0 + i, b = t.col0 < 0 ? -1 : t.col0 + j, f = role(&t, a, b);
            double l = t.beta * entry(&t, i, j), h = 0;
            if (f & SUMMED) {
                h = weight[a] * exp(l - (shared ? shared_shift : shift[a]));
                if (columns) h += weight[b] * exp(l - (shared ? shared_shift : shift[b]));
            }
            if (f & POSITIVE) h += positive_gradient[a] + (columns ? positive_gradient[b] : 0);
            s[(size_t) i * t.ld + j] = (float) h;
        }
    }
    return 0;
}

typedef int (*emulator_t)(unsigned gx, unsigned gy, unsigned bx, unsigned by, void **params);

/* The kernels the stub emulates, with the parameters it reads: p pointer, i int, f float. */
static const struct { const char *name; const char *signature; emulator_t run; } KERNELS[] = {
    {"jc_observe_shared", "piiiffpiiippp", observe_shared},
    {"jc_observe_rows", "piiifpiiipppp", observe_rows},
    {"jc_observe_columns", "piiifpiiipppp", observe_columns},
    {"jc_gradient", "piiiffpiiippp", gradient},
};
#define KERNEL_COUNT ((int) (sizeof KERNELS / sizeof KERNELS[0]))
#define MAX_ENTRIES 16

typedef struct { char name[64]; int kernel; } function_t;
typedef struct { int entries; function_t functions[MAX_ENTRIES]; } module_t;

/* Reads a PTX text's kernels and checks the emulated ones' parameters; writes why not into log. */
static int parse_ptx(const char *ptx, module_t *m, char *log, size_t log_size) {
    if (strstr(ptx, ".version ") == NULL || strstr(ptx, ".target ") == NULL) {
        snprintf(log, log_size, "stub: not a PTX text (no .version or .target)");
        return DRV_INVALID_IMAGE;
    }
    for (const char *p = strstr(ptx, ".entry "); p != NULL; p = strstr(p, ".entry ")) {
        p += strlen(".entry ");
        const char *open = strchr(p, '('), *close = open == NULL ? NULL : strchr(open, ')');
        if (close == NULL || open - p >= 64 || m->entries == MAX_ENTRIES) {
            snprintf(log, log_size, "stub: cannot read a kernel declaration");
            return DRV_INVALID_IMAGE;
        }
        function_t *f = &m->functions[m->entries++];
        memcpy(f->name, p, open - p);
        f->name[open - p] = 0;
        char signature[64] = {0};
        int count = 0;
        for (const char *q = strstr(open, ".param"); q != NULL && q < close && count < 63; q = strstr(q + 1, ".param")) {
            const char *type = q + strlen(".param");
            while (*type == ' ' || *type == '\t') type++;
            signature[count++] = strncmp(type, ".u64", 4) == 0 || strncmp(type, ".b64", 4) == 0 ? 'p'
                                 : strncmp(type, ".f32", 4) == 0 ? 'f'
                                 : strncmp(type, ".u32", 4) == 0 || strncmp(type, ".s32", 4) == 0 ? 'i' : '?';
        }
        f->kernel = -1;
        for (int k = 0; k < KERNEL_COUNT; k++) {
            if (strcmp(KERNELS[k].name, f->name) != 0) continue;
            if (strcmp(KERNELS[k].signature, signature) != 0) {
                snprintf(log, log_size, "stub: %s takes (%s) in the PTX but the stub reads (%s)", f->name, signature,
                         KERNELS[k].signature);
                return DRV_INVALID_IMAGE;
            }
            f->kernel = k;
        }
        p = close;
    }
    return DRV_SUCCESS;
}

int cuInit(unsigned flags) {
    ENTER();
    if (flags != 0) return DRV_INVALID_VALUE;
    if (device_count == 0) return DRV_NO_DEVICE;
    driver_initialised = 1;
    return DRV_SUCCESS;
}

int cuDriverGetVersion(int *version) {
    ENTER();
    if (version == NULL) return DRV_INVALID_VALUE;
    *version = 12040;
    return DRV_SUCCESS;
}

int cuCtxGetCurrent(void **context) {
    ENTER();
    if (!driver_initialised) return DRV_NOT_INITIALIZED;
    static int primary;
    *context = context_current ? &primary : NULL;
    return DRV_SUCCESS;
}

int cuModuleLoadDataEx(void **module, const void *image, unsigned options, const int *option_keys, void **values) {
    ENTER();
    char *log = NULL;
    size_t log_size = 0;
    for (unsigned k = 0; k < options; k++) {
        if (option_keys[k] == 5) log = values[k];                               /* CU_JIT_ERROR_LOG_BUFFER */
        if (option_keys[k] == 6) log_size = (size_t) (uintptr_t) values[k];     /* ..._SIZE_BYTES */
    }
    char scratch[8];
    if (log == NULL || log_size == 0) {
        log = scratch;
        log_size = sizeof scratch;
    }
    log[0] = 0;
    if (!driver_initialised) return DRV_NOT_INITIALIZED;
    if (!context_current) return DRV_INVALID_CONTEXT;
    if (module == NULL || image == NULL) return DRV_INVALID_VALUE;
    module_t *m = calloc(1, sizeof(module_t));
    if (m == NULL) return DRV_INVALID_VALUE;
    int status = parse_ptx(image, m, log, log_size);
    if (status != DRV_SUCCESS || !track(m, sizeof(module_t), KIND_MODULE)) {
        free(m);
        return status != DRV_SUCCESS ? status : DRV_INVALID_VALUE;
    }
    *module = m;
    return DRV_SUCCESS;
}

int cuModuleGetFunction(void **function, void *module, const char *name) {
    ENTER();
    if (!context_current) return DRV_INVALID_CONTEXT;
    if (!inside(module, sizeof(module_t), KIND_MODULE)) return DRV_INVALID_HANDLE;
    module_t *m = module;
    for (int k = 0; k < m->entries; k++) {
        if (strcmp(m->functions[k].name, name) == 0 && m->functions[k].kernel >= 0) {
            *function = &m->functions[k];
            return DRV_SUCCESS;
        }
    }
    return DRV_NOT_FOUND;
}

int cuModuleUnload(void *module) {
    ENTER();
    if (!context_current) return DRV_INVALID_CONTEXT;
    if (module == NULL || !untrack(module, KIND_MODULE)) return DRV_INVALID_HANDLE;
    free(module);
    return DRV_SUCCESS;
}

int cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared_bytes, stream_t stream, void **params, void **extra) {
    ENTER();
    refusal[0] = 0;
    if (!context_current) return DRV_INVALID_CONTEXT;
    if (!inside(function, sizeof(function_t), KIND_MODULE)) return DRV_INVALID_HANDLE;
    if (!live_stream(stream)) return DRV_INVALID_HANDLE;
    if (gz != 1 || bz != 1 || shared_bytes != 0 || extra != NULL || params == NULL || gx == 0 || gy == 0) {
        return refuse("launch: grid z %u, block z %u, %u bytes of dynamic shared memory, extra %p", gz, bz,
                      shared_bytes, (void *) extra);
    }
    const function_t *f = function;
    int injected = enter(f->name); /* each kernel's launches are counted, and can be failed, by name */
    if (injected) return injected;
    return KERNELS[f->kernel].run(gx, gy, bx, by, params);
}

int cuGetErrorName(int error, const char **text) {
    switch (error) {
        case DRV_SUCCESS: *text = "CUDA_SUCCESS"; return DRV_SUCCESS;
        case DRV_INVALID_VALUE: *text = "CUDA_ERROR_INVALID_VALUE"; return DRV_SUCCESS;
        case DRV_NOT_INITIALIZED: *text = "CUDA_ERROR_NOT_INITIALIZED"; return DRV_SUCCESS;
        case DRV_NO_DEVICE: *text = "CUDA_ERROR_NO_DEVICE"; return DRV_SUCCESS;
        case DRV_INVALID_IMAGE: *text = "CUDA_ERROR_INVALID_IMAGE"; return DRV_SUCCESS;
        case DRV_INVALID_CONTEXT: *text = "CUDA_ERROR_INVALID_CONTEXT"; return DRV_SUCCESS;
        case DRV_INVALID_HANDLE: *text = "CUDA_ERROR_INVALID_HANDLE"; return DRV_SUCCESS;
        case DRV_NOT_FOUND: *text = "CUDA_ERROR_NOT_FOUND"; return DRV_SUCCESS;
        case DRV_LAUNCH_FAILED: *text = "CUDA_ERROR_LAUNCH_FAILED"; return DRV_SUCCESS;
        default: *text = NULL; return DRV_INVALID_VALUE;
    }
}

/* The error's description; for a refused launch, why the stub refused it. */
int cuGetErrorString(int error, const char **text) {
    switch (error) {
        case DRV_SUCCESS: *text = "stub: no error"; return DRV_SUCCESS;
        case DRV_INVALID_VALUE: *text = refusal[0] ? refusal : "stub: invalid argument"; return DRV_SUCCESS;
        case DRV_NOT_INITIALIZED: *text = "stub: initialization error"; return DRV_SUCCESS;
        case DRV_NO_DEVICE: *text = "stub: no CUDA-capable device is detected"; return DRV_SUCCESS;
        case DRV_INVALID_IMAGE: *text = "stub: device kernel image is invalid"; return DRV_SUCCESS;
        case DRV_INVALID_CONTEXT: *text = "stub: invalid device context"; return DRV_SUCCESS;
        case DRV_INVALID_HANDLE: *text = "stub: invalid resource handle"; return DRV_SUCCESS;
        case DRV_NOT_FOUND: *text = "stub: named symbol not found"; return DRV_SUCCESS;
        case DRV_LAUNCH_FAILED: *text = "stub: unspecified launch failure"; return DRV_SUCCESS;
        default: *text = NULL; return DRV_INVALID_VALUE;
    }
}
