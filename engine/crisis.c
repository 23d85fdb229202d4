/*
 * crisis.c - the crisis screen, in every loaded language.
 *
 * The screen runs first on every turn. A category matches when any of its
 * patterns matches somewhere in the input and that match does not lie wholly
 * inside an idiom ("this traffic is killing me"). A pattern that runs into
 * the match limits cannot tell, so it screens in.
 */
#include <stdlib.h>
#include <string.h>

#include "crisis.h"
#include "index.h"

/* Where the idioms match in this turn's input, found once per turn (only
 * when some crisis pattern matched), sorted by start, with the furthest end
 * reached so far, so that "is this match inside an idiom?" is a binary
 * search. Past SPAN_MAX spans the rest are not collected: a crisis match
 * then may not be excused, which screens in. */
enum { SPAN_MAX = 4096 };

typedef struct span {
    size_t a, b; /* [a, b) */
    size_t maxb; /* the largest b of this and every earlier span */
} span;

typedef struct spans {
    span *v;
    size_t n;
    bool done;
} spans;

static int cmp_span(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

static void add_idioms(const rule *rules, int n, matcher *m, const char *text, size_t tlen,
                       spans *sp)
{
    for (int i = 0; i < n && sp->n < SPAN_MAX; i++) {
        const rule *r = &rules[i];
        for (int k = 0; k < r->npats && sp->n < SPAN_MAX; k++) {
            size_t start = 0;
            while (sp->n < SPAN_MAX && start <= tlen &&
                   pat_match(r->pats[k], text, tlen, start, m) == PM_MATCH) {
                size_t a, n_;
                if (!pat_group(m, 0, &a, &n_))
                    break;
                sp->v[sp->n].a = a;
                sp->v[sp->n].b = a + n_;
                sp->n++;
                start = a + (n_ ? n_ : 1);
            }
        }
    }
}

/* Every language's idioms: an idiom excuses a match in any language, which
 * costs nothing, since a match it excuses lies wholly inside it. */
static void find_idioms(const dbt_engine *e, matcher *m, const char *text, size_t tlen, spans *sp)
{
    sp->done = true;
    sp->v = mem_alloc(SPAN_MAX * sizeof *sp->v);
    if (!sp->v)
        return; /* no idiom can excuse anything: screen in */
    add_idioms(e->crisis.idioms, e->crisis.nidioms, m, text, tlen, sp);
    for (int l = 0; l < e->crisis.nlangs; l++)
        add_idioms(e->crisis.langs[l].idioms, e->crisis.langs[l].nidioms, m, text, tlen, sp);
    qsort(sp->v, sp->n, sizeof *sp->v, cmp_span);
    size_t maxb = 0;
    for (size_t i = 0; i < sp->n; i++) {
        if (sp->v[i].b > maxb)
            maxb = sp->v[i].b;
        sp->v[i].maxb = maxb;
    }
}

/* Is [off, off+len) wholly inside some idiom's match? */
static bool in_idiom(const spans *sp, size_t off, size_t len)
{
    size_t lo = 0, hi = sp->n; /* the spans starting at or before off: [0, lo) */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->v[mid].a <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && sp->v[lo - 1].maxb >= off + len;
}

/* Next byte offset after a UTF-8 character starting at `i`. */
static size_t next_char(const char *s, size_t len, size_t i)
{
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

int crisis_screen(const dbt_engine *e, matcher *m, const char *text, const char *lower, size_t len,
                  u32vec *cand, u32vec *lits)
{
    const rule_index *rx = e->crisis.rx;
    if (!rx)
        return -1;
    spans sp = {NULL, 0, false};
    int found = -1;
    size_t n = rx_candidates(rx, lower, len, cand, lits);
    for (size_t k = 0; k < n && found < 0; k++) {
        const flat_entry *fe = &rx->e[rx_entry(cand, k)];
        if (fe->pat < 0)
            continue;
        size_t start = 0;
        while (found < 0) {
            pat_result pr = pat_match(fe->r->pats[fe->pat], text, len, start, m);
            if (pr == PM_NOMATCH)
                break;
            size_t off = 0, mlen = 0;
            if (pr == PM_LIMIT || !pat_group(m, 0, &off, &mlen)) {
                found = fe->tag; /* cannot tell: screen in */
                break;
            }
            if (!e->crisis.nidioms && !e->crisis.nlangs) {
                found = fe->tag;
                break;
            }
            if (!sp.done)
                find_idioms(e, m, text, len, &sp);
            if (!in_idiom(&sp, off, mlen)) {
                found = fe->tag;
                break;
            }
            if (off >= len)
                break;
            start = next_char(text, len, off);
        }
    }
    mem_free(sp.v);
    return found;
}
