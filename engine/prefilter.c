/*
 * prefilter.c - required literals of a pattern, and an index over them.
 *
 * The requirement is found by a small, conservative reading of the pattern:
 * anything it does not fully understand (inline options, verbs, back
 * references, unusual escapes) means "no requirement", and the pattern is
 * simply always run. Being wrong in that direction costs time, never a
 * match.
 */
#include "prefilter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { RQ_MAX = 48, LIT_MAX = 32, LIT_MIN = 2, KEY_MAX = 6 };

/* A requirement: one of n literals must occur. n == 0: none. */
typedef struct req {
    int n;
    unsigned char len[RQ_MAX];
    char lit[RQ_MAX][LIT_MAX];
} req;

typedef struct parser {
    const char *s;
    size_t i;
    bool bail;
    int depth;
} parser;

static int req_score(const req *r)
{
    int m = LIT_MAX;
    for (int k = 0; k < r->n; k++)
        if (r->len[k] < m)
            m = r->len[k];
    return r->n ? m * 4 - r->n : -1;
}

/* Keep the more selective of `best` and `cand` in `best`. */
static void consider(req *best, const req *cand)
{
    if (cand->n && req_score(cand) > req_score(best))
        *best = *cand;
}

/* A quantifier at p->i: returns 0 none, 1 optional (? * {0..}), 2 required
 * (+ {n..} n>0), and consumes it with any lazy or possessive suffix. */
static int quantifier(parser *p)
{
    const char *s = p->s;
    int kind = 0;
    char c = s[p->i];
    if (c == '?' || c == '*') {
        kind = 1;
        p->i++;
    } else if (c == '+') {
        kind = 2;
        p->i++;
    } else if (c == '{') {
        size_t j = p->i + 1;
        if (!isdigit((unsigned char)s[j])) {
            p->bail = true; /* not a quantifier in every PCRE2 version: stay out */
            return 0;
        }
        long lo = strtol(s + j, NULL, 10);
        while (isdigit((unsigned char)s[j]))
            j++;
        if (s[j] == ',') {
            j++;
            while (isdigit((unsigned char)s[j]))
                j++;
        }
        if (s[j] != '}') {
            p->bail = true;
            return 0;
        }
        p->i = j + 1;
        kind = lo == 0 ? 1 : 2;
    }
    if (kind && (s[p->i] == '?' || s[p->i] == '+'))
        p->i++;
    return kind;
}

static void parse_alt(parser *p, req *out);

typedef struct run {
    char buf[LIT_MAX];
    int len;
    bool full;
} run;

static void flush(run *r, req *best)
{
    if (r->len >= LIT_MIN) {
        req c;
        c.n = 1;
        c.len[0] = (unsigned char)r->len;
        memcpy(c.lit[0], r->buf, (size_t)r->len);
        consider(best, &c);
    }
    r->len = 0;
    r->full = false;
}

static void add_char(run *r, char ch)
{
    if (r->full)
        return;
    if (r->len == LIT_MAX - 1) {
        r->full = true; /* a prefix of a required literal is required too */
        return;
    }
    r->buf[r->len++] = (char)tolower((unsigned char)ch);
}

/* A literal character just read: its quantifier decides whether it counts. */
static void literal(parser *p, run *r, req *best, char ch)
{
    int q = quantifier(p);
    if (q == 1) {
        flush(r, best);
    } else if (q == 2) {
        add_char(r, ch);
        flush(r, best);
    } else {
        add_char(r, ch);
    }
}

static void skip_class(parser *p)
{
    const char *s = p->s;
    size_t i = p->i + 1;
    if (s[i] == '^')
        i++;
    if (s[i] == ']')
        i++;
    while (s[i] && s[i] != ']') {
        if (s[i] == '\\' && s[i + 1])
            i += 2;
        else if (s[i] == '[' && s[i + 1] == ':') {
            const char *e = strstr(s + i, ":]");
            if (!e) {
                p->bail = true;
                return;
            }
            i = (size_t)(e - s) + 2;
        } else
            i++;
    }
    if (!s[i]) {
        p->bail = true;
        return;
    }
    p->i = i + 1;
}

static void parse_seq(parser *p, req *best)
{
    const char *s = p->s;
    run r = {{0}, 0, false};
    best->n = 0;
    while (!p->bail) {
        char c = s[p->i];
        if (!c || c == '|' || c == ')')
            break;
        if (c == '\\') {
            char n = s[p->i + 1];
            if (!n) {
                p->bail = true;
                break;
            }
            p->i += 2;
            if (strchr("bBAzZGK", n)) { /* zero-width: splits a run */
                flush(&r, best);
            } else if (strchr("dDsSwWhHvVRXN", n)) {
                flush(&r, best);
                quantifier(p);
            } else if (n == 'p' || n == 'P') {
                flush(&r, best);
                if (s[p->i] == '{') {
                    const char *e = strchr(s + p->i, '}');
                    if (!e) {
                        p->bail = true;
                        break;
                    }
                    p->i = (size_t)(e - s) + 1;
                } else if (s[p->i]) {
                    p->i++;
                }
                quantifier(p);
            } else if (isalnum((unsigned char)n) || (unsigned char)n >= 0x80) {
                p->bail = true; /* \x \1 \g \k \Q \e \n ...: not worth reading */
            } else {
                literal(p, &r, best, n);
            }
            continue;
        }
        if (c == '[') {
            flush(&r, best);
            skip_class(p);
            quantifier(p);
            continue;
        }
        if (c == '(') {
            flush(&r, best);
            if (++p->depth > 16) {
                p->bail = true;
                break;
            }
            bool look = false;
            p->i++;
            if (s[p->i] == '*') {
                p->bail = true;
                break;
            }
            if (s[p->i] == '?') {
                const char *g = s + p->i + 1;
                if (*g == ':') {
                    p->i += 2;
                } else if (*g == '=' || *g == '!') {
                    look = true;
                    p->i += 2;
                } else if (*g == '<' && (g[1] == '=' || g[1] == '!')) {
                    look = true;
                    p->i += 3;
                } else if (*g == '<' || *g == '\'' || (*g == 'P' && g[1] == '<')) {
                    char close = *g == '\'' ? '\'' : '>';
                    const char *e = strchr(g + 1, close);
                    if (!e) {
                        p->bail = true;
                        break;
                    }
                    p->i = (size_t)(e - s) + 1;
                } else {
                    p->bail = true; /* inline options and other group kinds */
                    break;
                }
            }
            req g;
            parse_alt(p, &g);
            if (p->bail)
                break;
            if (s[p->i] != ')') {
                p->bail = true;
                break;
            }
            p->i++;
            p->depth--;
            int q = quantifier(p);
            if (!look && q != 1)
                consider(best, &g);
            continue;
        }
        if (c == '.' || c == '^' || c == '$') {
            flush(&r, best);
            p->i++;
            quantifier(p);
            continue;
        }
        if (c == '?' || c == '*' || c == '+' || c == '{') {
            p->bail = true;
            break;
        }
        if ((unsigned char)c >= 0x80) {
            /* A non-ASCII letter: case folding beyond ASCII is not indexed. */
            flush(&r, best);
            p->i++;
            while (((unsigned char)s[p->i] & 0xC0) == 0x80)
                p->i++;
            quantifier(p);
            continue;
        }
        p->i++;
        literal(p, &r, best, c);
    }
    flush(&r, best);
}

static void parse_alt(parser *p, req *out)
{
    req acc, br;
    parse_seq(p, &acc);
    bool none = acc.n == 0;
    while (!p->bail && p->s[p->i] == '|') {
        p->i++;
        parse_seq(p, &br);
        if (none || !br.n || acc.n + br.n > RQ_MAX) {
            none = true;
            continue;
        }
        for (int k = 0; k < br.n; k++) {
            memcpy(acc.lit[acc.n], br.lit[k], br.len[k]);
            acc.len[acc.n++] = br.len[k];
        }
    }
    if (none || p->bail)
        out->n = 0;
    else
        *out = acc;
}

bool pf_requirement(const char *pattern, strbuf *out)
{
    parser p = {pattern, 0, false, 0};
    req r;
    parse_alt(&p, &r);
    if (p.bail || p.s[p.i] != '\0' || r.n == 0)
        return false;
    sb_clear(out);
    for (int k = 0; k < r.n; k++) {
        sb_addn(out, r.lit[k], r.len[k]);
        sb_addc(out, '\0');
    }
    return !out->oom;
}

/* FNV-1a over the `k` bytes that end at `end`, read backwards, so that the
 * query can extend one hash a byte at a time. */
static uint32_t hash_back(const char *end, uint32_t k)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 1; i <= k; i++)
        h = (h ^ (unsigned char)end[-(long)i]) * 16777619u;
    return h;
}

typedef struct pair {
    const char *lit;
    uint32_t len, item;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->lit, y->lit, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->item < y->item ? -1 : x->item > y->item;
}

prefilter *pf_build(arena *a, const char *const *patterns, uint32_t n)
{
    prefilter *pf = ar_alloc(a, sizeof *pf);
    pf->nitems = n;
    pf->always = ar_alloc(a, ((size_t)n + 1) * sizeof *pf->always);
    size_t npairs = 0, cap = (size_t)n * 2 + 16;
    pair *pairs = ar_alloc(a, cap * sizeof *pairs);
    strbuf rq;
    sb_init(&rq);
    for (uint32_t i = 0; i < n; i++) {
        if (!patterns[i] || !pf_requirement(patterns[i], &rq)) {
            pf->always[pf->nalways++] = i;
            continue;
        }
        for (size_t off = 0; off < rq.len;) {
            size_t l = strlen(rq.s + off);
            if (npairs == cap) {
                pair *np = ar_alloc(a, cap * 2 * sizeof *np);
                memcpy(np, pairs, cap * sizeof *np);
                pairs = np;
                cap *= 2;
            }
            pairs[npairs].lit = ar_strndup(a, rq.s + off, l);
            pairs[npairs].len = (uint32_t)l;
            pairs[npairs].item = i;
            npairs++;
            off += l + 1;
        }
    }
    sb_free(&rq);
    if (npairs)
        qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    pf->lits = ar_alloc(a, (npairs + 1) * sizeof *pf->lits);
    for (size_t i = 0; i < npairs;) {
        size_t j = i;
        while (j < npairs && pairs[j].len == pairs[i].len &&
               !memcmp(pairs[j].lit, pairs[i].lit, pairs[i].len))
            j++;
        pf_lit *l = &pf->lits[pf->nlits++];
        l->s = pairs[i].lit;
        l->len = pairs[i].len;
        l->items = ar_alloc(a, (j - i) * sizeof *l->items);
        for (size_t k = i; k < j; k++)
            if (!l->nitems || l->items[l->nitems - 1] != pairs[k].item)
                l->items[l->nitems++] = pairs[k].item;
        i = j;
    }
    pf->nbuckets = 16;
    while (pf->nbuckets < pf->nlits * 2)
        pf->nbuckets *= 2;
    pf->buckets = ar_alloc(a, pf->nbuckets * sizeof *pf->buckets);
    memset(pf->buckets, 0xFF, pf->nbuckets * sizeof *pf->buckets);
    for (uint32_t k = 0; k < pf->nlits; k++) {
        pf_lit *l = &pf->lits[k];
        l->key = l->len < KEY_MAX ? l->len : KEY_MAX;
        uint32_t h = hash_back(l->s + l->len, l->key) & (pf->nbuckets - 1);
        l->next = pf->buckets[h];
        pf->buckets[h] = k;
    }
    return pf;
}

static bool push(u32vec *v, uint32_t x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        uint32_t *nv = mem_realloc(v->v, cap * sizeof *nv);
        if (!nv)
            return false;
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return true;
}

void u32_free(u32vec *v)
{
    mem_free(v->v);
    memset(v, 0, sizeof *v);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_unique(u32vec *v)
{
    if (v->n < 2)
        return;
    qsort(v->v, v->n, sizeof *v->v, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[k - 1])
            v->v[k++] = v->v[i];
    v->n = k;
}

void pf_candidates(const prefilter *pf, const char *lower, size_t len, u32vec *out, u32vec *scratch)
{
    out->n = 0;
    out->all = false;
    scratch->n = 0;
    bool ok = true;
    uint32_t mask = pf->nbuckets - 1;
    /* Every literal that ends at byte `e`: extend a hash backwards over the
     * last 1..KEY_MAX bytes and look each length up. */
    for (size_t e = 1; ok && e <= len; e++) {
        uint32_t h = 2166136261u;
        for (uint32_t k = 1; ok && k <= KEY_MAX && k <= e; k++) {
            h = (h ^ (unsigned char)lower[e - k]) * 16777619u;
            if (k < LIT_MIN)
                continue;
            for (uint32_t i = pf->buckets[h & mask]; ok && i != UINT32_MAX; i = pf->lits[i].next) {
                const pf_lit *l = &pf->lits[i];
                if (l->key == k && l->len <= e && !memcmp(l->s, lower + e - l->len, l->len))
                    ok = push(scratch, i);
            }
        }
    }
    sort_unique(scratch);
    for (size_t i = 0; ok && i < scratch->n; i++) {
        const pf_lit *l = &pf->lits[scratch->v[i]];
        for (uint32_t k = 0; ok && k < l->nitems; k++)
            ok = push(out, l->items[k]);
    }
    for (uint32_t k = 0; ok && k < pf->nalways; k++)
        ok = push(out, pf->always[k]);
    if (!ok) { /* out of memory: run everything, in order */
        out->n = 0;
        out->all = true;
        return;
    }
    sort_unique(out);
}
