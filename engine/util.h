/*
 * util.h - memory helpers shared by the engine: an arena for everything a
 * loaded engine owns, and a growable string buffer for replies.
 */
#ifndef DBT_UTIL_H
#define DBT_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* All allocation goes through these, so tests can make any of them fail. */
void *mem_alloc(size_t n);
void *mem_realloc(void *p, size_t n);
void mem_free(void *p);
char *mem_strndup(const char *s, size_t n);

/*
 * An arena: many small allocations freed at once. When an allocation fails
 * and `oom` is set, the arena jumps there, so a loader needs no check after
 * each allocation; without `oom` it returns NULL.
 */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    jmp_buf *oom; /* where to jump when out of memory, or NULL */
} arena;

void *ar_alloc(arena *a, size_t n); /* zeroed */
char *ar_strndup(arena *a, const char *s, size_t n);
char *ar_strdup(arena *a, const char *s);
void ar_free(arena *a);

/* A growable NUL-terminated string. After a failed allocation `oom` is set
 * and further appends are ignored. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool oom;
} strbuf;

void sb_init(strbuf *b);
void sb_free(strbuf *b);
void sb_clear(strbuf *b);
void sb_addn(strbuf *b, const char *s, size_t n);
void sb_adds(strbuf *b, const char *s);
void sb_addc(strbuf *b, char c);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *b, const char *fmt, va_list ap);
/* Give back unused capacity (best effort). */
void sb_shrink(strbuf *b);
/* The buffer's string, never NULL ("" when empty). */
const char *sb_str(const strbuf *b);

#endif
