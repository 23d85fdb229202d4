/*
 * session.h - one person's conversation state and its variables. Sessions
 * are made and kept in session.c, moved on by turn.c, rendered by render.c.
 */
#ifndef DBT_SESSION_H
#define DBT_SESSION_H

#include <stdint.h>

#include "model.h"
#include "pattern.h"
#include "util.h"

enum {
    SESSION_MAX_VARS = 64,    /* variables one session may hold */
    SESSION_MAX_VALUE = 300,  /* bytes of one variable's value */
    SESSION_MAX_STACK = 8,    /* nested `call`s */
    SESSION_MAX_HISTORY = 16, /* steps remembered for "back" */
    SESSION_MAX_OFFER = 8     /* choices of one offer kept for "2", "the second one" */
};

/* Where the person is: at the coach, in a skill, after a crisis reply, or
 * answering the warning-sign question (the exercise waits, skill and step
 * kept). */
typedef enum sess_mode { MODE_COACH, MODE_SKILL, MODE_FOLLOWUP, MODE_CHECKIN } sess_mode;

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
    strbuf in;         /* cleaned input; once screened, what the rules read */
    strbuf typed;      /* spare buffer: the input as typed after the swap */
    strbuf fixed;      /* the input fully normalised (typos too), when that changed it */
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
    int lang;              /* the language of the last screen hit: 0 English, else langs[lang-1] */
    int checkin_tries;     /* answers to the warning question that were neither yes nor no */
    bool ended;
    bool asked; /* a rating in words got "which number?" at this step already (talk.c) */
    int stuck;  /* turns at this step that did not move it: "idk", a fallback (talk.c) */
    /* The last choices offered, as copies: still valid after turns that did
     * not move the conversation, so "2" or "the second one" takes one. */
    char *offer[SESSION_MAX_OFFER];
    int noffer;
    const char *const *offer_src; /* the model's array they were copied from */
    sess_mode turn_mode;          /* where the current turn began: mode, */
    int turn_skill, turn_step;    /* skill and step (-1: a new start) */
    struct json_t *plan;          /* the person's safety plan, cleaned (plan.c), or NULL */
    char *record; /* the record of the skill that ended this call (record.c), or NULL */

    struct turn_work *w; /* working state, only during a turn, else NULL */
    bool oom;            /* memory ran out during this call */
    strbuf out;          /* reply text */
    dbt_reply reply;

    /* Coverage for `dbtcoach test --coverage`: told of every step entered
     * and every rule that fires. NULL in normal use. */
    void (*trace)(void *ud, trace_kind kind, const void *what);
    void *trace_ud;
    dbt_trace_fn part_trace; /* dbt_session_set_trace's function, told part indexes (parts.c) */
    void *part_trace_ud;
};

const char *session_var(const dbt_session *s, const char *name);
/* Keep `n` choices as the offer (copies), or none; false when out of memory. */
bool session_set_offer(dbt_session *s, const char *const *v, int n);
bool session_set_var(dbt_session *s, const char *name, const char *value);
void session_clear_vars(dbt_session *s);

#endif
