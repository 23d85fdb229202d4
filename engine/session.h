/*
 * session.h - one person's conversation state, and the pieces of a turn
 * shared between turn.c, render.c and crisis.c.
 */
#ifndef DBT_SESSION_H
#define DBT_SESSION_H

#include <stdint.h>

#include "model.h"
#include "pattern.h"
#include "util.h"

enum {
    SESSION_MAX_VARS = 64,   /* variables one session may hold */
    SESSION_MAX_VALUE = 300, /* bytes of one variable's value */
    SESSION_MAX_STACK = 8,   /* nested `call`s */
    SESSION_MAX_HISTORY = 16 /* steps remembered for "back" */
};

typedef enum sess_mode { MODE_COACH, MODE_SKILL, MODE_FOLLOWUP } sess_mode;

typedef struct var {
    char *name;
    char *value;
} var;

typedef enum trace_kind { TRACE_STEP, TRACE_RULE } trace_kind;

typedef struct frame {
    int16_t skill, step; /* the loader keeps both under 32768 */
} frame;

/* What a turn works with and drops at its end, so that an idle session
 * holds little more than its reply and variables. */
typedef struct turn_work {
    matcher m;         /* match state of the last match */
    strbuf in;         /* cleaned input */
    strbuf folded;     /* the same with look-alike letters made Latin, when any */
    strbuf lower;      /* that, ASCII-lowercased: for the screen and the prefilter */
    u32vec cand, lits; /* prefilter candidates and working space */
    strbuf scratch;
} turn_work;

struct dbt_session {
    const dbt_engine *e;
    int region; /* index into e->regions */
    sess_mode mode;
    int skill, step;                /* when mode == MODE_SKILL */
    frame stack[SESSION_MAX_STACK]; /* where each `call` returns to */
    int depth;
    frame history[SESSION_MAX_HISTORY]; /* previous steps of this skill, for "back" */
    int nhistory;
    var *vars; /* grows as variables are set */
    int nvars, capvars;
    unsigned long counter; /* turns taken; rotates text variants */
    int last_cat;          /* the crisis category of the last crisis reply, or -1 */
    bool ended;

    struct turn_work *w; /* working state, only during a turn, else NULL */
    bool oom;            /* memory ran out during this call */
    strbuf out;          /* reply text */
    dbt_reply reply;

    /* Coverage for `dbtcoach test --coverage`: told of every step entered
     * and every rule that fires. NULL in normal use. */
    void (*trace)(void *ud, trace_kind kind, const void *what);
    void *trace_ud;
};

const char *session_var(const dbt_session *s, const char *name);
bool session_set_var(dbt_session *s, const char *name, const char *value);
void session_clear_vars(dbt_session *s);

/* What a template can see besides the session's variables: the rule that
 * fired, with its match in the session's matcher. */
typedef struct capture_ctx {
    const pattern *pat; /* NULL when nothing matched */
    const char *subject;
    int category; /* crisis category for {hotline}, or -1 */
    int about;    /* the skill {title} names (explain), or -1 */
} capture_ctx;

/* Render template `t` into `out`. `reflect`: person's words are reflected. */
void render_template(dbt_session *s, const char *t, const capture_ctx *cx, bool reflect,
                     strbuf *out);

/* Check a template's syntax. Returns false and the byte offset of the
 * problem and a message when it is malformed. Calls `use` for each name it
 * uses (may be NULL). */
bool render_validate(const char *t, size_t *off, const char **msg,
                     void (*use)(void *ud, const char *name, size_t len), void *ud);

/* Evaluate a condition against the session's variables and the captures. */
bool cond_eval(dbt_session *s, const cond *c, const capture_ctx *cx);

/* The hotline block for `category` (-1: any) in the session's region. */
void crisis_hotline_block(const dbt_engine *e, int reg, int category, strbuf *out);
/* The first category whose patterns match the cleaned input `text` (and
 * `lower`, its ASCII-lowercased copy), or -1. */
int crisis_screen(const dbt_engine *e, matcher *m, const char *text, const char *lower, size_t len,
                  u32vec *cand, u32vec *lits);

/* The candidates of `rx` for this turn's input (every entry when there is
 * no prefilter or memory ran out): a count, and the entry number of the
 * k-th candidate. */
size_t rx_candidates(const rule_index *rx, const char *lower, size_t len, u32vec *cand,
                     u32vec *lits);
static inline uint32_t rx_entry(const u32vec *cand, size_t k)
{
    return cand->all ? (uint32_t)k : cand->v[k];
}

#endif
