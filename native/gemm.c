/*
 * Native float32 GEMM on the tfjs wasm heap, bit-identical to engine/kernels/wat/gemm.wat.
 *
 * gemm(variant, heap, a, b, c, m, k, n): C[m, n] = A·B where `heap` is the wasm backend's
 * WebAssembly.Memory buffer (an ArrayBuffer) and a, b, c are byte offsets on it. variant 0 = gemm
 * (A [m, k], B [k, n]), 1 = gemm_ta (A stored [k, m]), 2 = gemm_tb (B stored [n, k]), 3 = gemm_tab (both),
 * 4 and 5 = gemm and gemm_ta skipping A's zero terms (gemm-sparse.wat's twin, below; B must be finite).
 *
 * Why the bits are the same as the wasm kernel: every element of C is computed as acc = +0, then
 * acc = acc + A[i, kk] * B[kk, j] for kk ascending, the product rounded to float32 before the sum (no
 * fused multiply-add: this file is compiled with -ffp-contract=off, see binding.gyp), and stored. Lanes
 * of a vector hold different columns, so vector width changes nothing about any one element's sum.
 * IEEE float32 add and multiply give the same result on every machine for the same operands, in wasm as
 * natively (no flush-to-zero on either side).
 *
 * Why it is faster: wasm SIMD is 128 bits wide; compiled natively the same loops use 256- or 512-bit
 * registers where the CPU has them (GCC's target_clones picks AVX-512, AVX2 or baseline code at load
 * time on x86-64 Linux; elsewhere the compiler's default target).
 *
 * Loop order: column panels of 32, then 16, 8 and 4 columns; rows in blocks of 4 then 1; k innermost.
 * A transposed B is first packed panel by panel into a thread-local buffer (k × panel width floats).
 * Columns left over (n mod 4) are scalar dot products in the same order.
 */
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef float v4 __attribute__((vector_size(16)));
typedef float v8 __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));

#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

/* Strided operands: A[i, kk] = a[i * ars + kk * aks]; B[kk, j] = b[kk * bks + j * bcs]. */
typedef struct {
  const float *a;
  size_t ars, aks;
  const float *b;
  size_t bks, bcs;
  float *c;
  size_t m, k, n;
} Operands;

static _Thread_local float *packed = NULL;
static _Thread_local size_t packedLength = 0;

/* A panel of `width` columns of B starting at column j as row-major rows of `width` floats. */
static const float *panelOf(const Operands *o, size_t j, size_t width, size_t *rowStride) {
  if (o->bcs == 1) {
    *rowStride = o->bks;
    return o->b + j;
  }
  size_t need = o->k * width;
  if (need > packedLength) {
    free(packed);
    packed = (float *)malloc(need * sizeof(float));
    packedLength = packed ? need : 0;
    if (!packed) return NULL;
  }
  for (size_t kk = 0; kk < o->k; kk++)
    for (size_t q = 0; q < width; q++) packed[kk * width + q] = o->b[kk * o->bks + (j + q) * o->bcs];
  *rowStride = width;
  return packed;
}

#define LOAD(V, p) \
  ({               \
    V v_;          \
    memcpy(&v_, (p), sizeof(V)); \
    v_;            \
  })
#define STORE(V, p, v) \
  do {                 \
    V v_ = (v);        \
    memcpy((p), &v_, sizeof(V)); \
  } while (0)

/* Micro-kernels: R rows × NV vectors of type V (L lanes) per row. */
#define MICRO(NAME, V, L, NV, R)                                                                               \
  static inline __attribute__((always_inline)) void NAME(const Operands *o, size_t i, size_t j, const float *bp, size_t bstride) {           \
    V acc[R][NV];                                                                                              \
    for (int r = 0; r < R; r++)                                                                                \
      for (int q = 0; q < NV; q++) acc[r][q] = (V){0};                                                         \
    const float *arow = o->a + i * o->ars;                                                                     \
    for (size_t kk = 0; kk < o->k; kk++) {                                                                     \
      V bv[NV];                                                                                                \
      for (int q = 0; q < NV; q++) bv[q] = LOAD(V, bp + kk * bstride + q * L);                                 \
      for (int r = 0; r < R; r++) {                                                                            \
        float av = arow[r * o->ars + kk * o->aks];                                                             \
        for (int q = 0; q < NV; q++) acc[r][q] = acc[r][q] + bv[q] * av;                                       \
      }                                                                                                        \
    }                                                                                                          \
    for (int r = 0; r < R; r++)                                                                                \
      for (int q = 0; q < NV; q++) STORE(V, o->c + (i + r) * o->n + j + q * L, acc[r][q]);                     \
  }

MICRO(micro4x32, v16, 16, 2, 4)
MICRO(micro1x32, v16, 16, 2, 1)
MICRO(micro4x16, v16, 16, 1, 4)
MICRO(micro1x16, v16, 16, 1, 1)
MICRO(micro4x8, v8, 8, 1, 4)
MICRO(micro1x8, v8, 8, 1, 1)
MICRO(micro4x4, v4, 4, 1, 4)
MICRO(micro1x4, v4, 4, 1, 1)

/* Every row of C for the panel of WIDTH columns at j (expanded inside gemmStrided so that each
   target clone inlines the micro-kernels with its own vector instructions). */
#define PANEL(WIDTH, FOUR, ONE)                                  \
  do {                                                           \
    size_t bstride;                                              \
    const float *bp = panelOf(o, j, WIDTH, &bstride);            \
    if (!bp) return 0;                                           \
    size_t i = 0;                                                \
    for (; i + 4 <= o->m; i += 4) FOUR(o, i, j, bp, bstride);    \
    for (; i < o->m; i++) ONE(o, i, j, bp, bstride);             \
  } while (0)

CLONES static int gemmStrided(const Operands *o) {
  size_t j = 0;
  for (; j + 32 <= o->n; j += 32) PANEL(32, micro4x32, micro1x32);
  for (; j + 16 <= o->n; j += 16) PANEL(16, micro4x16, micro1x16);
  for (; j + 8 <= o->n; j += 8) PANEL(8, micro4x8, micro1x8);
  for (; j + 4 <= o->n; j += 4) PANEL(4, micro4x4, micro1x4);
  for (; j < o->n; j++)
    for (size_t i = 0; i < o->m; i++) {
      float acc = 0.0f;
      for (size_t kk = 0; kk < o->k; kk++) acc = acc + o->a[i * o->ars + kk * o->aks] * o->b[kk * o->bks + j * o->bcs];
      o->c[i * o->n + j] = acc;
    }
  return 1;
}

/*
 * The zero-skipping product (the native twin of gemm-sparse.wat): per row i of A, the terms whose
 * A[i, kk] is ±0 are dropped (a NaN is kept), and each column panel of C[i, ·] is summed from +0 over
 * the remaining kk in ascending order. With B all finite (the caller checks, as for the wasm kernel)
 * every dropped term is ±0 and acc + (±0) = acc for every acc the sum can hold, so C has the dense
 * kernel's bits. B must be row-major (variants gemm and gemm_ta only).
 */
static _Thread_local size_t *termRows = NULL;
static _Thread_local float *termValues = NULL;
static _Thread_local size_t termLength = 0;

#define SPARSE_PANEL(V, L, NV)                                                       \
  for (; j + (L) * (NV) <= n; j += (L) * (NV)) {                                     \
    V acc[NV];                                                                       \
    for (int q = 0; q < NV; q++) acc[q] = (V){0};                                    \
    for (size_t t = 0; t < count; t++) {                                             \
      const float *brow = o->b + termRows[t] * o->bks + j;                           \
      float av = termValues[t];                                                      \
      for (int q = 0; q < NV; q++) acc[q] = acc[q] + LOAD(V, brow + q * (L)) * av;   \
    }                                                                                \
    for (int q = 0; q < NV; q++) STORE(V, crow + j + q * (L), acc[q]);               \
  }

CLONES static int gemmSparse(const Operands *o) {
  size_t m = o->m, k = o->k, n = o->n;
  if (k > termLength) {
    free(termRows);
    free(termValues);
    termRows = (size_t *)malloc(k * sizeof(size_t));
    termValues = (float *)malloc(k * sizeof(float));
    termLength = termRows && termValues ? k : 0;
    if (!termLength) return 0;
  }
  for (size_t i = 0; i < m; i++) {
    size_t count = 0;
    const float *arow = o->a + i * o->ars;
    size_t kk = 0;
    if (o->aks == 1) /* a contiguous row: skip blocks of 16 that are all ±0 (MNIST's background) */
      for (; kk + 16 <= k; kk += 16) {
        uint32_t any = 0, bits[16];
        memcpy(bits, arow + kk, sizeof bits);
        for (int q = 0; q < 16; q++) any |= bits[q] & 0x7fffffffu;
        if (!any) continue;
        for (int q = 0; q < 16; q++) {
          float a = arow[kk + q];
          termRows[count] = kk + q;
          termValues[count] = a;
          count += (a != 0.0f) | (a != a);
        }
      }
    for (; kk < k; kk++) {
      float a = arow[kk * o->aks];
      termRows[count] = kk;
      termValues[count] = a;
      count += (a != 0.0f) | (a != a); /* keep nonzeros and NaN; drop +0 and -0 */
    }
    float *crow = o->c + i * n;
    size_t j = 0;
    SPARSE_PANEL(v16, 16, 2)
    SPARSE_PANEL(v16, 16, 1)
    SPARSE_PANEL(v8, 8, 1)
    SPARSE_PANEL(v4, 4, 1)
    for (; j < n; j++) {
      float acc = 0.0f;
      for (size_t t = 0; t < count; t++) acc = acc + o->b[termRows[t] * o->bks + j] * termValues[t];
      crow[j] = acc;
    }
  }
  return 1;
}

static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8) {
    napi_throw_type_error(env, NULL, "gemm(variant, heap, a, b, c, m, k, n): 8 arguments expected");
    return NULL;
  }
  int32_t variant;
  void *data;
  size_t length;
  int64_t v[6];
  if (napi_get_value_int32(env, argv[0], &variant) != napi_ok || variant < 0 || variant > 5 ||
      napi_get_arraybuffer_info(env, argv[1], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "gemm: variant must be 0-5 and heap an ArrayBuffer");
    return NULL;
  }
  for (int q = 0; q < 6; q++)
    if (napi_get_value_int64(env, argv[q + 2], &v[q]) != napi_ok || v[q] < 0) {
      napi_throw_type_error(env, NULL, "gemm: offsets and sizes must be non-negative integers");
      return NULL;
    }
  size_t m = (size_t)v[3], k = (size_t)v[4], n = (size_t)v[5];
  size_t aBytes = m * k * 4, bBytes = k * n * 4, cBytes = m * n * 4;
  if ((v[0] | v[1] | v[2]) % 4) {
    napi_throw_range_error(env, NULL, "gemm: an operand offset is not 4-byte aligned");
    return NULL;
  }
  if ((size_t)v[0] + aBytes > length || (size_t)v[1] + bBytes > length || (size_t)v[2] + cBytes > length) {
    napi_throw_range_error(env, NULL, "gemm: an operand lies outside the heap");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  const float *a = (const float *)((char *)data + v[0]);
  const float *b = (const float *)((char *)data + v[1]);
  float *c = (float *)((char *)data + v[2]);
  if (k == 0) {
    memset(c, 0, cBytes);
    return NULL;
  }
  int ta = variant & 1, tb = variant == 2 || variant == 3, sparse = variant >= 4;
  Operands o = {a, ta ? 1 : k, ta ? m : 1, b, tb ? 1 : n, tb ? k : 1, c, m, k, n};
  if (!(sparse ? gemmSparse(&o) : gemmStrided(&o))) napi_throw_error(env, NULL, "gemm: out of memory for a scratch buffer");
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "gemm", fn) != napi_ok) return NULL;
  return exports;
}
