/*
 * memhook.c - the default allocator: the C library's. Kept in a file of its
 * own so a test program can link its own definitions instead.
 */
#include "memhook.h"

#include <stdlib.h>

void *dbt__malloc(size_t n) { return malloc(n); }
void *dbt__realloc(void *p, size_t n) { return realloc(p, n); }
void dbt__free(void *p) { free(p); }

_Thread_local int dbt__in_jit;
