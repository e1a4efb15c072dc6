/*
 * Test stub of libcudart and libcublas for jcontrast-cuda: the functions the backend binds, with
 * host memory standing in for device memory and a float64 reference column-major SGEMM/SYRK.
 * Built by the tests with gcc; never part of the product.
 *
 * It checks its arguments as the real libraries document them (leading dimensions, enums, pointers
 * that must lie inside live device or pinned allocations), fills new device memory with NaN so that
 * reading C when beta == 0 shows, writes only the asked triangle in SYRK, and rounds inputs to TF32
 * when asked. Control functions (stub_*) let tests report 0 devices, fail a chosen function with a
 * chosen code (at once or after some good calls), and count calls and live objects.
 *
 * -DSTUB_WITHOUT_SYRK leaves cublasSsyrk_v2 out (a missing symbol); -DSTUB_CUDA11 looks like CUDA
 * 11.x: no cudaGetDeviceProperties_v2 and no cublasGetStatusString.
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef void *stream_t;
typedef void *handle_t;

enum { CUDA_SUCCESS = 0, CUDA_INVALID_VALUE = 1, CUDA_OUT_OF_MEMORY = 2, CUDA_INVALID_DEVICE = 101 };
enum { BLAS_SUCCESS = 0, BLAS_NOT_INITIALIZED = 1, BLAS_INVALID_VALUE = 7, BLAS_NOT_SUPPORTED = 15 };
enum { KIND_DEVICE, KIND_PINNED, KIND_STREAM, KIND_HANDLE, KINDS };
static const char *KIND_NAMES[KINDS] = {"device", "pinned", "stream", "handle"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

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

int cudaSetDevice(int device) {
    ENTER();
    return device >= 0 && device < device_count ? CUDA_SUCCESS : CUDA_INVALID_DEVICE;
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
