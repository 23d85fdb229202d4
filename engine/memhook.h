/*
 * memhook.h - the engine's allocator. By default the C library's; tests of
 * allocation failure link a replacement that fails the k-th call.
 */
#ifndef DBT_MEMHOOK_H
#define DBT_MEMHOOK_H

#include <stddef.h>

void *dbt__malloc(size_t n);
void *dbt__realloc(void *p, size_t n);
void dbt__free(void *p);

/* Non-zero while a pattern's JIT copy is made. PCRE2 10.42's JIT compiler
 * does not survive a failed allocation, and the copy belongs to the engine
 * (made on first use, freed with it), so the allocation-failure tests leave
 * these allocations alone. Per thread, so threads do not race on it. */
extern _Thread_local int dbt__in_jit;

#endif
