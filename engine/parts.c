/*
 * parts.c - the parts of a loaded engine (each step, rule and trigger of each
 * skill) for authoring tools: their listing, and the session trace that
 * reports a part's index each time a step is entered or a rule fires.
 */
#include "parts.h"

#include <stdlib.h>
#include <string.h>

#include "session.h"

typedef struct part_builder {
    part_ref *v; /* NULL while counting */
    size_t n;
} part_builder;

static void add(part_builder *b, const void *p, int sk, int st, dbt_part_kind kind)
{
    if (b->v) {
        part_ref r = {p, sk, st, (int32_t)kind};
        b->v[b->n] = r;
    }
    b->n++;
}

static void add_rules(part_builder *b, const rule *r, int n, int sk, int st, dbt_part_kind kind)
{
    for (int i = 0; i < n; i++)
        add(b, &r[i], sk, st, kind);
}

/* The order of the parts, the same whether counting or filling. */
static void walk(part_builder *b, const dbt_engine *e)
{
    for (int k = 0; k < e->nskills; k++) {
        const skill *sk = &e->skills[k];
        add_rules(b, sk->triggers, sk->ntriggers, k, -1, DBT_PART_TRIGGER);
        for (int j = 0; j < sk->nsteps; j++) {
            add(b, &sk->steps[j], k, j, DBT_PART_STEP);
            add_rules(b, sk->steps[j].rules, sk->steps[j].nrules, k, j, DBT_PART_RULE);
        }
        add_rules(b, sk->rules, sk->nrules, k, -1, DBT_PART_RULE);
    }
}

static int by_addr(const void *a, const void *b)
{
    const part_addr *x = a, *y = b;
    if (x->p != y->p)
        return x->p < y->p ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

bool parts_build(dbt_engine *e)
{
    part_builder b = {NULL, 0};
    walk(&b, e);
    if (b.n > UINT32_MAX)
        return false;
    struct part_table *t = ar_alloc(&e->ar, sizeof *t);
    part_ref *v = t ? ar_alloc(&e->ar, (b.n ? b.n : 1) * sizeof *v) : NULL;
    part_addr *order = v ? ar_alloc(&e->ar, (b.n ? b.n : 1) * sizeof *order) : NULL;
    if (!order)
        return false;
    b.v = v;
    b.n = 0;
    walk(&b, e);
    for (size_t i = 0; i < b.n; i++) {
        order[i].p = (uintptr_t)v[i].p;
        order[i].index = (uint32_t)i;
    }
    qsort(order, b.n, sizeof *order, by_addr);
    t->v = v;
    t->by_addr = order;
    t->n = b.n;
    e->parts = t;
    return true;
}

/* The index of the part at `p`, the first in part order when several share
 * it; false when `p` is no part (a command, a route, the crisis screen). */
static bool find(const struct part_table *t, const void *p, size_t *out)
{
    size_t lo = 0, hi = t->n;
    uintptr_t want = (uintptr_t)p;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->by_addr[mid].p < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == t->n || t->by_addr[lo].p != want)
        return false;
    *out = t->by_addr[lo].index;
    return true;
}

size_t dbt_engine_part_count(const dbt_engine *e) { return e && e->parts ? e->parts->n : 0; }

static const char *rule_label(const rule *r)
{
    return r->nexamples ? r->examples[0] : r->npats ? r->pats[0]->src : "(any input)";
}

int dbt_engine_part(const dbt_engine *e, size_t i, dbt_part *out)
{
    if (!e || !e->parts || !out || i >= e->parts->n)
        return -1;
    const part_ref *r = &e->parts->v[i];
    const skill *sk = &e->skills[r->skill];
    srcpos pos;
    memset(out, 0, sizeof *out);
    out->kind = (dbt_part_kind)r->kind;
    out->skill = sk->id;
    out->step = r->step >= 0 ? sk->steps[r->step].id : NULL;
    if (r->kind == DBT_PART_STEP) {
        const step *st = r->p;
        pos = st->pos;
        out->label = st->id;
    } else {
        const rule *ru = r->p;
        pos = ru->pos;
        out->label = rule_label(ru);
    }
    out->file = pos.file;
    out->line = pos.line;
    out->column = pos.col;
    return 0;
}

/* The session's trace hook (see session.h): a model pointer becomes a part
 * index for the caller's function. */
static void on_trace(void *ud, trace_kind kind, const void *what)
{
    (void)kind;
    dbt_session *s = ud;
    size_t i;
    if (s->e->parts && find(s->e->parts, what, &i))
        s->part_trace(s->part_trace_ud, i);
}

void dbt_session_set_trace(dbt_session *s, dbt_trace_fn fn, void *user)
{
    if (!s)
        return;
    s->part_trace = fn;
    s->part_trace_ud = fn ? user : NULL;
    s->trace = fn ? on_trace : NULL;
    s->trace_ud = fn ? s : NULL;
}
