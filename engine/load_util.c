/*
 * load_util.c - the loaders' shared readers: errors at a node, typed keys,
 * text with checked templates. It knows no document kind.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "template.h"

srcpos ld_at(const loader *L, const ynode *n)
{
    srcpos p = {L->file, n ? n->line : 0, n ? n->col : 0};
    return p;
}

void ld_err(loader *L, const ynode *n, const char *fmt, ...)
{
    srcpos p = ld_at(L, n);
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(L->d, DBT_SEVERITY_ERROR, &p, fmt, ap);
    va_end(ap);
}

static const char *kind_name(const ynode *n)
{
    return n->kind == YN_MAP ? "a mapping" : n->kind == YN_SEQ ? "a list" : "a single value";
}

srcpos ld_at_offset(const loader *L, const ynode *n, size_t off)
{
    srcpos p = ld_at(L, n);
    if (!n->block)
        p.col += (int)off + (n->plain ? 0 : 1);
    else
        p.line += 1;
    return p;
}

size_t ld_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 99;
    size_t row[32];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

/* Every key of `map` must be in `allowed` (NULL-terminated). */
bool ld_check_keys(loader *L, const ynode *map, const char *what, const char *const *allowed)
{
    bool ok = true;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ynode *k = map->items[i];
        bool found = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(k->str, *a) == 0)
                found = true;
        if (found)
            continue;
        const char *best = NULL;
        size_t bd = 3;
        for (const char *const *a = allowed; *a; a++) {
            size_t dd = ld_distance(k->str, *a);
            if (dd < bd) {
                bd = dd;
                best = *a;
            }
        }
        strbuf list;
        sb_init(&list);
        for (const char *const *a = allowed; *a; a++)
            sb_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
        if (best)
            ld_err(L, k, "unknown key '%.80s' in %s; did you mean '%s'?", k->str, what, best);
        else
            ld_err(L, k, "unknown key '%.80s' in %s (known keys: %s)", k->str, what, sb_str(&list));
        sb_free(&list);
        ok = false;
    }
    return ok;
}

bool ld_want(loader *L, const ynode *n, ynode_kind kind, const char *what)
{
    if (n->kind == kind)
        return true;
    ld_err(L, n, "%s must be %s, not %s", what,
           kind == YN_MAP   ? "a mapping (key: value lines)"
           : kind == YN_SEQ ? "a list"
                            : "text",
           kind_name(n));
    return false;
}

const char *ld_str(loader *L, const ynode *n, const char *what)
{
    if (!n || !ld_want(L, n, YN_SCALAR, what))
        return NULL;
    return n->str;
}

/* A required text key. */
const char *ld_need_str(loader *L, const ynode *map, const char *key, const char *what)
{
    ynode *n = ytree_get(map, key);
    if (!n) {
        ld_err(L, map, "%s needs '%s:'", what, key);
        return NULL;
    }
    const char *s = ld_str(L, n, key);
    if (s && !*s)
        ld_err(L, n, "'%s' must not be empty", key);
    return s;
}

const char *ld_opt_str(loader *L, const ynode *map, const char *key)
{
    ynode *n = ytree_get(map, key);
    return n ? ld_str(L, n, key) : NULL;
}

/* A list of strings; a single string counts as a list of one. */
int ld_str_list(loader *L, const ynode *n, const char *what, const char ***out, srcpos **pos)
{
    *out = NULL;
    if (pos)
        *pos = NULL;
    if (!n)
        return 0;
    if (n->kind == YN_SCALAR) {
        *out = ar_alloc(L->a, sizeof **out);
        (*out)[0] = n->str;
        if (pos) {
            *pos = ar_alloc(L->a, sizeof **pos);
            (*pos)[0] = ld_at(L, n);
        }
        return 1;
    }
    if (!ld_want(L, n, YN_SEQ, what))
        return 0;
    *out = ar_alloc(L->a, (n->n + 1) * sizeof **out);
    if (pos)
        *pos = ar_alloc(L->a, (n->n + 1) * sizeof **pos);
    int k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s = ld_str(L, n->items[i], what);
        if (!s)
            continue;
        if (pos)
            (*pos)[k] = ld_at(L, n->items[i]);
        (*out)[k++] = s;
    }
    return k;
}

bool ld_bool(loader *L, const ynode *n, const char *what)
{
    if (!n)
        return false;
    const char *s = ld_str(L, n, what);
    if (!s)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "yes"))
        return true;
    if (!strcmp(s, "false") || !strcmp(s, "no"))
        return false;
    ld_err(L, n, "'%s' must be true or false", what);
    return false;
}

int ld_int(loader *L, const ynode *n, const char *what, int lo, int hi)
{
    const char *s = ld_str(L, n, what);
    if (!s)
        return lo;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        ld_err(L, n, "'%s' must be a whole number from %d to %d", what, lo, hi);
        return lo;
    }
    return (int)v;
}

/* Text the coach says: a string or a list of variants. Templates are checked. */
textv ld_text(loader *L, const ynode *n, const char *what)
{
    textv t = {0};
    if (!n)
        return t;
    t.pos = ld_at(L, n);
    t.n = ld_str_list(L, n, what, &t.v, NULL);
    const ynode *items = n->kind == YN_SEQ ? n : NULL;
    for (int i = 0; i < t.n; i++) {
        size_t off;
        const char *msg;
        if (!tmpl_validate(t.v[i], &off, &msg, NULL, NULL)) {
            srcpos p = ld_at_offset(L, items ? items->items[i] : n, off);
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s", msg);
        }
    }
    if (n->kind == YN_SEQ && t.n == 0)
        ld_err(L, n, "'%s' is an empty list", what);
    return t;
}
