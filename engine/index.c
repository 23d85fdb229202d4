/*
 * index.c - rule lists flattened into their patterns, with a prefilter, so a
 * turn runs only the patterns that can match (see prefilter.h).
 */
#include <string.h>

#include "index.h"

/* Lists with fewer patterns than this are run one by one: the prefilter's
 * pass over the input would cost about as much as it saves. */
enum { INDEX_MIN_PATTERNS = 24 };

void rx_add(rx_builder *b, const rule *rules, int n, int tag)
{
    for (int i = 0; i < n; i++) {
        const rule *r = &rules[i];
        int np = r->npats ? r->npats : 1;
        for (int k = 0; k < np; k++) {
            if (b->n == b->cap) {
                uint32_t cap = b->cap ? b->cap * 2 : 64;
                flat_entry *e = ar_alloc(b->a, cap * sizeof *e);
                if (b->n)
                    memcpy(e, b->e, b->n * sizeof *e);
                b->e = e;
                b->cap = cap;
            }
            flat_entry *fe = &b->e[b->n++];
            fe->r = r;
            fe->pat = r->npats ? k : -1;
            fe->tag = tag;
            b->npatterns += r->npats ? 1 : 0;
        }
    }
}

rule_index *rx_finish(rx_builder *b, bool always)
{
    if (!always && b->npatterns < INDEX_MIN_PATTERNS)
        return NULL;
    rule_index *rx = ar_alloc(b->a, sizeof *rx);
    rx->e = b->e;
    rx->n = b->n;
    if (b->npatterns >= INDEX_MIN_PATTERNS) {
        const char **srcs = ar_alloc(b->a, (b->n + 1) * sizeof *srcs);
        for (uint32_t i = 0; i < b->n; i++)
            srcs[i] = b->e[i].pat >= 0 ? b->e[i].r->pats[b->e[i].pat]->full : NULL;
        rx->pf = pf_build(b->a, srcs, b->n);
    }
    return rx;
}

size_t rx_candidates(const rule_index *rx, const char *lower, size_t len, u32vec *cand,
                     u32vec *lits)
{
    if (!rx->pf) {
        cand->n = 0;
        cand->all = true;
        return rx->n;
    }
    pf_candidates(rx->pf, lower, len, cand, lits);
    return cand->all ? rx->n : cand->n;
}
