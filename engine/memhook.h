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

#endif
