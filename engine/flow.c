/*
 * flow.c - moving a session through a skill's steps and saying things:
 * entering steps, running a rule's actions, choosing the rule that fires.
 * It decides nothing about the order of a turn (turn.c) or about crisis.
 */
#include <stdio.h>
#include <string.h>

#include "flow.h"
#include "index.h"
#include "plan.h"
#include "record.h"
#include "text.h"

enum { MAX_HOPS = 16 }; /* steps entered in one turn without input */

const capture_ctx flow_no_capture = {NULL, NULL, -1, -1};

void flow_reset(dbt_session *s)
{
    sb_clear(&s->out);
    memset(&s->reply, 0, sizeof s->reply);
    record_clear(s);
}

/* Say one variant of `t`, as a paragraph of its own. */
void flow_say(dbt_session *s, const textv *t, const capture_ctx *cx)
{
    if (!t->n)
        return;
    const char *v = t->v[s->counter % (unsigned long)t->n];
    size_t before = s->out.len;
    if (before)
        sb_adds(&s->out, "\n\n");
    size_t body = s->out.len;
    render_template(s, v, cx ? cx : &flow_no_capture, true, &s->out);
    /* Trim the white space a block scalar leaves at its end. */
    while (s->out.len > body &&
           (s->out.s[s->out.len - 1] == '\n' || s->out.s[s->out.len - 1] == ' '))
        s->out.s[--s->out.len] = '\0';
    if (s->out.len == body && s->out.s) { /* rendered to nothing: drop the separator */
        s->out.len = before;
        s->out.s[before] = '\0';
    }
}

/* Offer `n` choices: they live in the engine, so the reply points at them. */
void flow_choices(dbt_session *s, const char *const *v, int n)
{
    s->reply.choices = n ? v : NULL;
    s->reply.n_choices = (size_t)n;
}

const step *flow_step(const dbt_session *s)
{
    if (s->mode == MODE_SKILL)
        return &s->e->skills[s->skill].steps[s->step];
    if (s->mode == MODE_FOLLOWUP)
        return model_followup(s->e, s->lang);
    return NULL;
}

/* Offer the current step's choices again (after a command that keeps the
 * person where they are). */
void flow_reoffer(dbt_session *s)
{
    const step *st = flow_step(s);
    if (st)
        flow_choices(s, st->choices, st->nchoices);
}

void flow_leave(dbt_session *s)
{
    s->mode = MODE_COACH;
    s->skill = s->step = -1;
    s->depth = 0;
    s->nhistory = 0;
}

/* The current skill is over: return to the caller of a `call`, or to the
 * coach. */
void flow_finish_skill(dbt_session *s, int hops)
{
    record_skill_end(s);
    if (s->depth > 0) {
        frame f = s->stack[--s->depth];
        s->nhistory = 0;
        flow_enter(s, f.skill, f.step, NULL, hops + 1);
        return;
    }
    flow_leave(s);
    flow_say(s, &s->e->coach.after_skill, NULL);
}

void flow_push_history(dbt_session *s)
{
    if (s->mode != MODE_SKILL)
        return;
    if (s->nhistory == SESSION_MAX_HISTORY) {
        memmove(s->history, s->history + 1, (SESSION_MAX_HISTORY - 1) * sizeof *s->history);
        s->nhistory--;
    }
    s->history[s->nhistory].skill = (int16_t)s->skill;
    s->history[s->nhistory].step = (int16_t)s->step;
    s->nhistory++;
}

void flow_enter(dbt_session *s, int sk, int stepi, const capture_ctx *cx, int hops)
{
    const dbt_engine *e = s->e;
    if (hops > MAX_HOPS) {
        /* A cycle of steps with no question between; the loader's checks warn
         * about these, and here the turn is cut rather than hang. */
        flow_leave(s);
        flow_say(s, &e->coach.fallback, NULL);
        return;
    }
    const step *st = &e->skills[sk].steps[stepi];
    if (s->trace)
        s->trace(s->trace_ud, TRACE_STEP, st);
    s->mode = MODE_SKILL;
    s->skill = sk;
    s->step = stepi;
    s->asked = false;
    s->stuck = 0;
    flow_say(s, &st->say, cx);
    flow_choices(s, st->choices, st->nchoices);
    s->reply.timer = st->timer;
    for (int i = 0; i < st->nbranches; i++) {
        const branch *b = &st->branches[i];
        if (!b->cond || cond_eval(s, b->cond, NULL)) {
            flow_enter(s, sk, b->tstep, cx, hops + 1);
            return;
        }
    }
    if (st->end)
        flow_finish_skill(s, hops);
}

void flow_start(dbt_session *s, int sk, int stepi, bool call)
{
    if (call && s->mode == MODE_SKILL && s->depth < SESSION_MAX_STACK) {
        s->stack[s->depth].skill = (int16_t)s->skill;
        s->stack[s->depth].step = (int16_t)s->step;
        s->depth++;
    } else {
        s->depth = 0;
        session_clear_vars(s);
    }
    plan_seed(s, sk);
    s->nhistory = 0;
    flow_enter(s, sk, stepi, NULL, 0);
}

void flow_run_rule(dbt_session *s, const rule *r, const capture_ctx *cx)
{
    if (s->trace)
        s->trace(s->trace_ud, TRACE_RULE, r);
    for (int i = 0; i < r->nsets; i++) {
        sb_clear(&s->w->scratch);
        render_template(s, r->sets[i].tmpl, cx, false, &s->w->scratch);
        /* A rating typed as a word ("eight") is kept as digits, so it reads
         * the same as one typed as a number when it is said back. */
        double v;
        const char *val = sb_str(&s->w->scratch);
        char digits[8];
        bool word = (val[0] >= 'a' && val[0] <= 'z') || (val[0] >= 'A' && val[0] <= 'Z');
        if (word && text_number(val, &v) && v >= 0 && v <= 10) {
            snprintf(digits, sizeof digits, "%d", (int)v);
            val = digits;
        }
        session_set_var(s, r->sets[i].var, val);
    }
    flow_say(s, &r->say, cx);
    switch (r->act) {
    case ACT_GOTO:
        flow_push_history(s);
        flow_enter(s, r->tskill, r->tstep, cx, 0);
        break;
    case ACT_START:
    case ACT_CALL: flow_start(s, r->tskill, r->tstep, r->act == ACT_CALL); break;
    case ACT_END:
        if (s->mode == MODE_SKILL)
            flow_finish_skill(s, 0);
        break;
    case ACT_NONE: flow_reoffer(s); break;
    }
    if (r->nchoices)
        flow_choices(s, r->choices, r->nchoices);
}

/* Does rule `r` fire through its pattern `pat` (-1: it has none)? Its match
 * is left in the session's matcher and described by `cx`. */
static bool flow_fires(dbt_session *s, const rule *r, int pat, capture_ctx *cx, bool *matched)
{
    const char *text = sb_str(&s->w->in);
    *cx = flow_no_capture;
    cx->subject = text;
    *matched = true;
    if (pat >= 0) {
        if (pat_match(r->pats[pat], text, s->w->in.len, 0, &s->w->m) != PM_MATCH) {
            *matched = false;
            return false;
        }
        cx->pat = r->pats[pat];
    }
    return !r->cond || cond_eval(s, r->cond, cx);
}

/* The first rule of a list that flow_fires on the input: through its index when
 * it has one, else one by one. A rule whose pattern matches but whose
 * condition does not hold does not fire, and its other patterns are not
 * tried. Entries tagged `skip` are passed over; `*tag` (when not NULL)
 * gets the tag of the rule that fired. */
const rule *flow_first_rule(dbt_session *s, const rule *rules, int n, const rule_index *rx,
                            int skip, capture_ctx *cx, int *tag)
{
    bool matched;
    if (!rx) {
        for (int i = 0; i < n; i++) {
            const rule *r = &rules[i];
            for (int k = 0; k < (r->npats ? r->npats : 1); k++) {
                if (flow_fires(s, r, r->npats ? k : -1, cx, &matched))
                    return r;
                if (matched)
                    break;
            }
        }
        return NULL;
    }
    size_t cnt = rx_candidates(rx, sb_str(&s->w->lower), s->w->lower.len, &s->w->cand, &s->w->lits);
    const rule *dead = NULL;
    for (size_t k = 0; k < cnt; k++) {
        const flat_entry *fe = &rx->e[rx_entry(&s->w->cand, k)];
        if (fe->r == dead || (skip >= 0 && fe->tag == skip))
            continue;
        if (flow_fires(s, fe->r, fe->pat, cx, &matched)) {
            if (tag)
                *tag = fe->tag;
            return fe->r;
        }
        if (matched)
            dead = fe->r;
    }
    return NULL;
}

bool flow_try_rules(dbt_session *s, const rule *rules, int n, const rule_index *rx)
{
    capture_ctx cx;
    const rule *r = flow_first_rule(s, rules, n, rx, -1, &cx, NULL);
    if (!r)
        return false;
    flow_run_rule(s, r, &cx);
    return true;
}
