/*
 * index.h - rule indexes: built at load time, asked for candidates on every
 * turn (the prefilter below them does the work).
 */
#ifndef DBT_INDEX_H
#define DBT_INDEX_H

#include "model.h"

typedef struct rx_builder {
    arena *a;
    flat_entry *e;
    uint32_t n, cap;
    uint32_t npatterns;
} rx_builder;

/* Append a rule list, tagging its entries with `tag`. */
void rx_add(rx_builder *b, const rule *rules, int n, int tag);
/* The index of what was added; NULL when the list is short, unless `always`. */
rule_index *rx_finish(rx_builder *b, bool always);

/* The candidates of `rx` for this turn's input (every entry when there is
 * no prefilter or memory ran out): a count, and the entry number of the
 * k-th candidate. */
size_t rx_candidates(const rule_index *rx, const char *lower, size_t len, u32vec *cand,
                     u32vec *lits);
static inline uint32_t rx_entry(const u32vec *cand, size_t k)
{
    return cand->all ? (uint32_t)k : cand->v[k];
}

#endif
