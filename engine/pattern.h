/*
 * pattern.h - PCRE2 patterns as the engine uses them: compiled caseless,
 * UTF and UCP, JIT-compiled on first use where the machine has JIT, and
 * matched with limits so that no pattern can hang a turn.
 *
 * JIT compiling every pattern at load would take most of the load time, for
 * patterns many of which a session never runs. So a pattern is compiled at
 * load (which also finds every error), and JIT-compiled the first time it is
 * matched: one thread makes a JIT copy and publishes it atomically; until
 * then every thread matches with the interpreted code, which gives the same
 * results. The engine stays safe to share between threads.
 */
#ifndef DBT_PATTERN_H
#define DBT_PATTERN_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct pattern {
    pcre2_code *code;          /* interpreted; read-only once compiled */
    _Atomic(pcre2_code *) jit; /* its JIT-compiled copy, once made */
    atomic_bool jit_claimed;   /* a thread has taken on making the copy */
    bool want_jit;             /* JIT allowed (not DBT_LOAD_NO_JIT) */
    const char *src;           /* the pattern as written */
    const char *full;          /* as compiled: src with its ~concepts spelled out */
    unsigned ncaptures;        /* numbered capture groups */
} pattern;

/*
 * Compile `src` (`len` bytes), to be JIT-compiled on first use when `jit`.
 * On failure returns NULL, sets `*erroffset` to
 * the byte offset in the pattern where the problem was found and writes the
 * reason to `msg`.
 */
pattern *pat_compile(const char *src, size_t len, bool jit, size_t *erroffset, char *msg,
                     size_t msgsize);
void pat_free(pattern *p);

/* Per-session match state. */
typedef struct matcher {
    pcre2_match_data *md;
    pcre2_match_context *mc;
    bool own_mc; /* mc was made for this matcher */
} matcher;

/* A match context with the engine's limits; read-only once made, so one
 * serves every thread. */
pcre2_match_context *pat_context_new(void);

/* Match data for up to `max_captures` groups, using context `mc` (or a new
 * one of its own when `mc` is NULL). */
bool matcher_init(matcher *m, unsigned max_captures, pcre2_match_context *mc);
void matcher_free(matcher *m);

typedef enum { PM_NOMATCH = 0, PM_MATCH = 1, PM_LIMIT = -1 } pat_result;

/* Match `p` against `subj` from byte offset `start`. On PM_MATCH the match is
 * in `m` (pat_group). PM_LIMIT: the match limits stopped it. */
pat_result pat_match(const pattern *p, const char *subj, size_t len, size_t start, matcher *m);

/* Group `n` of the last match (0 is the whole match); false when unset. */
bool pat_group(const matcher *m, unsigned n, size_t *off, size_t *len);
/* The number of the named group, or -1. */
int pat_group_number(const pattern *p, const char *name);

#endif
