/*
 * pattern.c - compile and match PCRE2 patterns with the engine's options and
 * limits.
 */
#include "pattern.h"

#include <stdio.h>
#include <string.h>

#include "memhook.h"
#include "util.h"

/* Limits per match. A turn runs a few hundred patterns over a short line;
 * these bounds keep a catastrophic pattern to a fraction of a millisecond. */
enum { MATCH_LIMIT = 200000, DEPTH_LIMIT = 5000, HEAP_LIMIT_KIB = 4096 };

static void *pcre_alloc(size_t n, void *ud)
{
    (void)ud;
    return mem_alloc(n);
}

static void pcre_free(void *p, void *ud)
{
    (void)ud;
    mem_free(p);
}

pattern *pat_compile(const char *src, size_t len, bool jit, size_t *erroffset, char *msg,
                     size_t msgsize)
{
    int errcode = 0;
    PCRE2_SIZE off = 0;
    pcre2_general_context *gc = pcre2_general_context_create(pcre_alloc, pcre_free, NULL);
    pcre2_compile_context *cc = gc ? pcre2_compile_context_create(gc) : NULL;
    if (!cc) {
        pcre2_general_context_free(gc);
        snprintf(msg, msgsize, "out of memory");
        *erroffset = 0;
        return NULL;
    }
    pcre2_set_max_pattern_length(cc, 8192);
    pcre2_set_parens_nest_limit(cc, 50);
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)src, len, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF,
        &errcode, &off, cc);
    pcre2_compile_context_free(cc);
    pcre2_general_context_free(gc);
    if (!code && errcode == PCRE2_ERROR_HEAPLIMIT) {
        snprintf(msg, msgsize, "out of memory");
        *erroffset = 0;
        return NULL;
    }
    if (!code) {
        PCRE2_UCHAR buf[256];
        if (pcre2_get_error_message(errcode, buf, sizeof buf) < 0)
            strcpy((char *)buf, "invalid pattern");
        snprintf(msg, msgsize, "%s", (const char *)buf);
        *erroffset = off;
        return NULL;
    }
    pattern *p = mem_alloc(sizeof *p);
    if (!p) {
        pcre2_code_free(code);
        snprintf(msg, msgsize, "out of memory");
        *erroffset = 0;
        return NULL;
    }
    uint32_t n = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
    p->code = code;
    atomic_init(&p->jit, NULL);
    atomic_init(&p->jit_claimed, false);
    p->want_jit = jit;
    p->src = p->full = NULL;
    p->ncaptures = n;
    return p;
}

/* Make the JIT copy of `p` (once, by whichever thread gets here first). JIT
 * is an optimisation: when it fails, or the machine has none, the
 * interpreted code goes on matching. */
static void jit_now(pattern *p)
{
    if (atomic_exchange_explicit(&p->jit_claimed, true, memory_order_relaxed))
        return;
    dbt__in_jit++;
    pcre2_code *copy = pcre2_code_copy(p->code);
    int rc = copy ? pcre2_jit_compile(copy, PCRE2_JIT_COMPLETE) : -1;
    dbt__in_jit--;
    if (!copy)
        return;
    size_t size = 0;
    if (rc == 0 && pcre2_pattern_info(copy, PCRE2_INFO_JITSIZE, &size) == 0 && size > 0)
        atomic_store_explicit(&p->jit, copy, memory_order_release);
    else
        pcre2_code_free(copy);
}

void pat_free(pattern *p)
{
    if (!p)
        return;
    pcre2_code_free(p->code);
    pcre2_code_free(atomic_load_explicit(&p->jit, memory_order_relaxed));
    mem_free(p);
}

pcre2_match_context *pat_context_new(void)
{
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    if (!mc)
        return NULL;
    pcre2_set_match_limit(mc, MATCH_LIMIT);
    pcre2_set_depth_limit(mc, DEPTH_LIMIT);
    pcre2_set_heap_limit(mc, HEAP_LIMIT_KIB);
    return mc;
}

bool matcher_init(matcher *m, unsigned max_captures, pcre2_match_context *mc)
{
    m->own_mc = !mc;
    m->mc = mc ? mc : pat_context_new();
    m->md = pcre2_match_data_create(max_captures + 1, NULL);
    if (!m->md || !m->mc) {
        matcher_free(m);
        return false;
    }
    return true;
}

void matcher_free(matcher *m)
{
    pcre2_match_data_free(m->md);
    if (m->own_mc)
        pcre2_match_context_free(m->mc);
    m->md = NULL;
    m->mc = NULL;
    m->own_mc = false;
}

pat_result pat_match(const pattern *p, const char *subj, size_t len, size_t start, matcher *m)
{
    pcre2_code *code = atomic_load_explicit(&p->jit, memory_order_acquire);
    if (!code) {
        code = p->code;
        /* The engine is shared and read-only to its users; making the JIT
         * copy is the one change, and it is atomic (see pattern.h). */
        if (p->want_jit)
            jit_now((pattern *)p);
    }
    int rc = pcre2_match(code, (PCRE2_SPTR)subj, len, start, 0, m->md, m->mc);
    if (rc >= 0)
        return PM_MATCH;
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
        return PM_NOMATCH;
    return PM_LIMIT;
}

bool pat_group(const matcher *m, unsigned n, size_t *off, size_t *len)
{
    if (n >= pcre2_get_ovector_count(m->md))
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    size_t i = (size_t)n * 2;
    if (ov[i] == PCRE2_UNSET)
        return false;
    *off = ov[i];
    *len = ov[i + 1] - ov[i];
    return true;
}

int pat_group_number(const pattern *p, const char *name)
{
    int n = pcre2_substring_number_from_name(p->code, (PCRE2_SPTR)name);
    return n > 0 ? n : -1;
}
