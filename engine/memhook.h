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

/* Non-zero while PCRE2's JIT compiler runs. In PCRE2 10.42 it does not
 * survive a failed allocation, so the allocation-failure tests leave the
 * allocations it makes alone. Per thread, so loads in parallel do not race. */
extern _Thread_local int dbt__in_jit;

#endif
