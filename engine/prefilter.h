/*
 * prefilter.h - skip patterns that cannot match, without running them.
 *
 * Most patterns require some literal text ("kill", "boss", "stop skill"):
 * a pattern can only match an input that contains one of its required
 * literals. At load, each pattern of a rule list gets its requirement (a set
 * of literals, one of which must occur), and the literals are indexed by
 * their last few letters. At a turn, one pass over the input finds the
 * literals present, which name the only patterns worth running; patterns
 * with no requirement are always run. Candidates come back in list order, so
 * "first rule that matches wins" holds exactly, and the cost of a turn grows
 * with the input and the candidates, not with the number of rules.
 */
#ifndef DBT_PREFILTER_H
#define DBT_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct pf_lit {
    const char *s; /* lowercase ASCII, at least 2 bytes */
    uint32_t len;
    uint32_t key;    /* how many of its last bytes the bucket is hashed from */
    uint32_t *items; /* the items that require it, ascending */
    uint32_t nitems, cap;
    uint32_t next; /* next literal in the same bucket, or UINT32_MAX */
} pf_lit;

typedef struct prefilter {
    uint32_t nitems;
    uint32_t *always; /* items with no requirement, ascending */
    uint32_t nalways;
    pf_lit *lits;
    uint32_t nlits;
    uint32_t **conds;  /* per item: its other required sets, or NULL (see pf_build) */
    uint32_t *buckets; /* hash of a literal's last bytes -> first literal, or UINT32_MAX */
    uint32_t nbuckets; /* a power of two */
} prefilter;

/*
 * The literals a pattern requires, written into `out`: one or more sets, each
 * a run of NUL-terminated lowercase literals ended by an empty one. Any input
 * the pattern matches contains (ignoring ASCII case) a literal of every set.
 * Returns false when the pattern has no usable requirement (it must always
 * be run).
 */
bool pf_requirement(const char *pattern, strbuf *out);

/* Build a prefilter over `n` patterns, in `a`. Out of memory jumps to the
 * arena's handler. */
prefilter *pf_build(arena *a, const char *const *patterns, uint32_t n);

/* A growable list of item numbers, kept per session. */
typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
    bool all; /* no list (no prefilter, or out of memory): take every item */
} u32vec;

void u32_free(u32vec *v);

/*
 * The items worth running on `lower` (the input, ASCII-lowercased), in
 * ascending order, into `out`. `scratch` is working space. On out of memory
 * `out->all` is set: every item is a candidate.
 */
void pf_candidates(const prefilter *pf, const char *lower, size_t len, u32vec *out,
                   u32vec *scratch);

#endif
