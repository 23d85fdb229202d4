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

/* Requirements that must all hold (each a set of which one literal must
 * occur): the few most selective of a sequence's mandatory parts. */
enum { CJ_MAX = 3 };
typedef struct conj {
    int n;
    req sets[CJ_MAX];
} conj;

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

/* Add `cand` to the conjunction, keeping the CJ_MAX most selective sets,
 * most selective first. */
static void consider(conj *c, const req *cand)
{
    if (!cand->n)
        return;
    int sc = req_score(cand);
    int at = c->n;
    while (at > 0 && req_score(&c->sets[at - 1]) < sc)
        at--;
    if (at >= CJ_MAX)
        return;
    int last = c->n < CJ_MAX ? c->n : CJ_MAX - 1;
    for (int i = last; i > at; i--)
        c->sets[i] = c->sets[i - 1];
    c->sets[at] = *cand;
    if (c->n < CJ_MAX)
        c->n++;
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

static void parse_alt(parser *p, conj *out);

typedef struct run {
    char buf[LIT_MAX];
    int len;
    bool full;
} run;

static void flush(run *r, conj *best)
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
static void literal(parser *p, run *r, conj *best, char ch)
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

static void parse_seq(parser *p, conj *best)
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
            if (++p->depth > 12) {
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
            conj *g = mem_alloc(sizeof *g);
            if (!g) {
                p->bail = true;
                break;
            }
            parse_alt(p, g);
            if (p->bail || s[p->i] != ')') {
                p->bail = true;
                mem_free(g);
                break;
            }
            p->i++;
            p->depth--;
            int q = quantifier(p);
            /* every set of a group that must match is required too */
            for (int k = 0; !look && q != 1 && k < g->n; k++)
                consider(best, &g->sets[k]);
            mem_free(g);
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

/* Alternatives: a single branch keeps its conjunction; several give one
 * set, each branch's most selective set joined (every branch needs one). */
static void parse_alt(parser *p, conj *out)
{
    parse_seq(p, out);
    if (p->bail || p->s[p->i] != '|')
        return;
    conj *br = mem_alloc(sizeof *br);
    req *acc = mem_alloc(sizeof *acc);
    if (!br || !acc) {
        p->bail = true;
        mem_free(br);
        mem_free(acc);
        return;
    }
    bool none = out->n == 0;
    if (!none)
        *acc = out->sets[0];
    while (!p->bail && p->s[p->i] == '|') {
        p->i++;
        parse_seq(p, br);
        if (none || !br->n || acc->n + br->sets[0].n > RQ_MAX) {
            none = true;
            continue;
        }
        for (int k = 0; k < br->sets[0].n; k++) {
            memcpy(acc->lit[acc->n], br->sets[0].lit[k], br->sets[0].len[k]);
            acc->len[acc->n++] = br->sets[0].len[k];
        }
    }
    out->n = 0;
    if (!none && !p->bail) {
        out->sets[0] = *acc;
        out->n = 1;
    }
    mem_free(br);
    mem_free(acc);
}

bool pf_requirement(const char *pattern, strbuf *out)
{
    parser p = {pattern, 0, false, 0};
    conj *c = mem_alloc(sizeof *c);
    if (!c)
        return false;
    c->n = 0;
    parse_alt(&p, c);
    bool ok = !p.bail && p.s[p.i] == '\0' && c->n > 0;
    sb_clear(out);
    for (int j = 0; ok && j < c->n; j++) {
        for (int k = 0; k < c->sets[j].n; k++) {
            sb_addn(out, c->sets[j].lit[k], c->sets[j].len[k]);
            sb_addc(out, '\0');
        }
        sb_addc(out, '\0'); /* an empty literal ends a set */
    }
    mem_free(c);
    return ok && !out->oom;
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
    bool primary; /* from the item's first set (the one indexed) */
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

/* ar_alloc for pf_build's loop: `rq` is freed before the arena's jump. */
static void *keep(arena *a, strbuf *rq, size_t n)
{
    jmp_buf *jump = a->oom;
    a->oom = NULL;
    void *p = ar_alloc(a, n);
    a->oom = jump;
    if (!p) {
        sb_free(rq);
        if (jump)
            longjmp(*jump, 1);
    }
    return p;
}

prefilter *pf_build(arena *a, const char *const *patterns, uint32_t n)
{
    prefilter *pf = ar_alloc(a, sizeof *pf);
    pf->nitems = n;
    pf->always = ar_alloc(a, ((size_t)n + 1) * sizeof *pf->always);
    size_t npairs = 0, cap = (size_t)n * 2 + 16;
    pair *pairs = ar_alloc(a, cap * sizeof *pairs);
    /* Each item's requirement as written by pf_requirement, kept to find
     * its other sets' literals once the table is built. */
    const char **reqs = ar_alloc(a, ((size_t)n + 1) * sizeof *reqs);
    size_t *reqlen = ar_alloc(a, ((size_t)n + 1) * sizeof *reqlen);
    pf->conds = ar_alloc(a, ((size_t)n + 1) * sizeof *pf->conds);
    strbuf rq;
    sb_init(&rq);
    for (uint32_t i = 0; i < n; i++) {
        if (!patterns[i] || !pf_requirement(patterns[i], &rq)) {
            pf->always[pf->nalways++] = i;
            continue;
        }
        char *copy = keep(a, &rq, rq.len + 1);
        if (!copy)
            return NULL;
        memcpy(copy, rq.s, rq.len);
        copy[rq.len] = '\0';
        reqs[i] = copy;
        reqlen[i] = rq.len;
        int set = 0;
        for (size_t off = 0; off < rq.len;) {
            size_t l = strlen(rq.s + off);
            if (l == 0) { /* the end of a set */
                set++;
                off++;
                continue;
            }
            if (npairs == cap) {
                pair *np = keep(a, &rq, cap * 2 * sizeof *np);
                if (!np)
                    return NULL;
                memcpy(np, pairs, cap * sizeof *np);
                pairs = np;
                cap *= 2;
            }
            pairs[npairs].lit = reqs[i] + off;
            pairs[npairs].len = (uint32_t)l;
            pairs[npairs].item = i;
            pairs[npairs].primary = set == 0;
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
            if (pairs[k].primary && (!l->nitems || l->items[l->nitems - 1] != pairs[k].item))
                l->items[l->nitems++] = pairs[k].item;
        i = j;
    }
    /* The other sets of each item, as literal numbers:
     * [number of sets, then for each: count, literal numbers...]. */
    for (uint32_t i = 0; i < n; i++) {
        if (!reqs[i])
            continue;
        size_t nsets = 0, nlits = 0;
        for (size_t off = 0; off < reqlen[i]; off += strlen(reqs[i] + off) + 1) {
            if (reqs[i][off])
                nlits++;
            else
                nsets++;
        }
        if (nsets < 2)
            continue;
        uint32_t *c = ar_alloc(a, (1 + nsets + nlits) * sizeof *c);
        c[0] = (uint32_t)(nsets - 1);
        size_t w = 1, count_at = 0;
        size_t set = 0;
        for (size_t off = 0; off < reqlen[i];) {
            size_t l = strlen(reqs[i] + off);
            if (l == 0) { /* a set ends; the next one (if any) starts */
                set++;
                off++;
                if (set < nsets) {
                    count_at = w++;
                    c[count_at] = 0;
                }
                continue;
            }
            if (set > 0) {
                pair key = {reqs[i] + off, (uint32_t)l, 0, false};
                size_t lo = 0, hi = pf->nlits;
                while (lo < hi) { /* every literal is in the table */
                    size_t mid = (lo + hi) / 2;
                    pair at = {pf->lits[mid].s, pf->lits[mid].len, 0, false};
                    if (cmp_pair(&at, &key) < 0)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                c[w++] = (uint32_t)lo;
                c[count_at]++;
            }
            off += l + 1;
        }
        pf->conds[i] = c;
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
    if (v->n <= 32) { /* the usual case: a handful of candidates */
        for (size_t i = 1; i < v->n; i++) {
            uint32_t x = v->v[i];
            size_t j = i;
            while (j > 0 && v->v[j - 1] > x) {
                v->v[j] = v->v[j - 1];
                j--;
            }
            v->v[j] = x;
        }
    } else {
        qsort(v->v, v->n, sizeof *v->v, cmp_u32);
    }
    size_t k = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[k - 1])
            v->v[k++] = v->v[i];
    v->n = k;
}

/* Which literals are present in this input: a bitmap when the table is
 * small enough to keep one on the stack, else a sorted list. */
enum { BITMAP_MAX = 8192 };

typedef struct present {
    const uint64_t *bits; /* or NULL: use `list` */
    const u32vec *list;
} present;

static bool is_present(const present *pr, uint32_t id)
{
    if (pr->bits)
        return pr->bits[id >> 6] >> (id & 63) & 1;
    size_t lo = 0, hi = pr->list->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pr->list->v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pr->list->n && pr->list->v[lo] == id;
}

/* Does every other set of an item (see pf_build) have a present literal? */
static bool others_present(const uint32_t *c, const present *pr)
{
    if (!c)
        return true;
    size_t w = 1;
    for (uint32_t set = 0; set < c[0]; set++) {
        uint32_t n = c[w++];
        bool any = false;
        for (uint32_t k = 0; k < n && !any; k++)
            any = is_present(pr, c[w + k]);
        if (!any)
            return false;
        w += n;
    }
    return true;
}

void pf_candidates(const prefilter *pf, const char *lower, size_t len, u32vec *out, u32vec *scratch)
{
    out->n = 0;
    out->all = false;
    scratch->n = 0;
    bool ok = true;
    uint32_t mask = pf->nbuckets - 1;
    uint64_t litbits[BITMAP_MAX / 64];
    bool small = pf->nlits <= BITMAP_MAX;
    if (small)
        memset(litbits, 0, ((pf->nlits + 63) / 64) * sizeof *litbits);
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
                if (l->key != k || l->len > e || memcmp(l->s, lower + e - l->len, l->len) != 0)
                    continue;
                if (small) {
                    if (!(litbits[i >> 6] >> (i & 63) & 1)) {
                        litbits[i >> 6] |= (uint64_t)1 << (i & 63);
                        ok = push(scratch, i);
                    }
                } else {
                    ok = push(scratch, i);
                }
            }
        }
    }
    if (!small)
        sort_unique(scratch);
    present pr = {small ? litbits : NULL, scratch};
    for (size_t i = 0; ok && i < scratch->n; i++) {
        const pf_lit *l = &pf->lits[scratch->v[i]];
        for (uint32_t k = 0; ok && k < l->nitems; k++)
            if (others_present(pf->conds[l->items[k]], &pr))
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
