/*
 * index.h - building rule indexes at load time.
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

#endif
