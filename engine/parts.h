/*
 * parts.h - every step, rule and trigger of every skill, flattened in a
 * fixed order (the parts of dbt_engine_part), with a look-up from the
 * model's pointers back to the part's index for dbt_session_set_trace.
 */
#ifndef DBT_PARTS_H
#define DBT_PARTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

typedef struct part_ref {
    const void *p;       /* the step or rule in the model */
    int32_t skill, step; /* step -1 for a trigger or a skill-wide rule */
    int32_t kind;        /* dbt_part_kind */
} part_ref;

typedef struct part_addr {
    uintptr_t p;    /* a part's address in the model */
    uint32_t index; /* its index in part order */
} part_addr;

struct part_table {
    part_ref *v;        /* in part order */
    part_addr *by_addr; /* the same parts sorted by address, then index */
    size_t n;
};

/* Build e->parts in the engine's arena, once, after a load. False when out
 * of memory. */
bool parts_build(dbt_engine *e);

#endif
