/*
 * util.c - arena and string buffer.
 */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memhook.h"

void *mem_alloc(size_t n) { return dbt__malloc(n ? n : 1); }
void *mem_realloc(void *p, size_t n) { return dbt__realloc(p, n ? n : 1); }
void mem_free(void *p) { dbt__free(p); }

char *mem_strndup(const char *s, size_t n)
{
    char *d = mem_alloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

struct arena_block {
    arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

enum { ARENA_BLOCK = 16 * 1024 };

void *ar_alloc(arena *a, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = mem_alloc(sizeof *b + cap);
        if (!b) {
            if (a->oom)
                longjmp(*a->oom, 1);
            return NULL;
        }
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *ar_strndup(arena *a, const char *s, size_t n)
{
    char *d = ar_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ar_strdup(arena *a, const char *s) { return ar_strndup(a, s, strlen(s)); }

void ar_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        mem_free(b);
        b = next;
    }
    a->head = NULL;
}

void sb_init(strbuf *b) { memset(b, 0, sizeof *b); }

void sb_free(strbuf *b)
{
    mem_free(b->s);
    sb_init(b);
}

void sb_clear(strbuf *b)
{
    b->len = 0;
    b->oom = false;
    if (b->s)
        b->s[0] = '\0';
}

static bool sb_grow(strbuf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *s = mem_realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return false;
    }
    b->s = s;
    b->cap = cap;
    return true;
}

void sb_addn(strbuf *b, const char *s, size_t n)
{
    if (!sb_grow(b, n))
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_adds(strbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }
void sb_addc(strbuf *b, char c) { sb_addn(b, &c, 1); }

void sb_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    /* ap comes from the caller's va_start. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !sb_grow(b, (size_t)n))
        return;
    /* ap comes from the caller's va_start. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void sb_shrink(strbuf *b)
{
    if (!b->s || b->oom || b->cap <= b->len + 1)
        return;
    char *s = mem_realloc(b->s, b->len + 1);
    if (s) {
        b->s = s;
        b->cap = b->len + 1;
    }
}

const char *sb_str(const strbuf *b) { return b->s && !b->oom ? b->s : ""; }
