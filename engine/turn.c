/*
 * turn.c - one turn of the conversation:
 *
 *   clean -> crisis screen -> commands -> step rules -> skill rules
 *         -> global routing -> fallbacks -> render
 *
 * The crisis screen runs first in every state; no script can switch it off
 * or run before it.
 */
#include <stdio.h>
#include <string.h>

#include "crisis.h"
#include "hotline.h"
#include "index.h"
#include "render.h"
#include "text.h"

enum { MAX_HOPS = 16 }; /* steps entered in one turn without input */

static const capture_ctx no_capture = {NULL, NULL, -1, -1};

static void reply_reset(dbt_session *s)
{
    sb_clear(&s->out);
    memset(&s->reply, 0, sizeof s->reply);
}

/* Say one variant of `t`, as a paragraph of its own. */
static void say(dbt_session *s, const textv *t, const capture_ctx *cx)
{
    if (!t->n)
        return;
    const char *v = t->v[s->counter % (unsigned long)t->n];
    size_t before = s->out.len;
    if (before)
        sb_adds(&s->out, "\n\n");
    size_t body = s->out.len;
    render_template(s, v, cx ? cx : &no_capture, true, &s->out);
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
static void set_choices(dbt_session *s, const char *const *v, int n)
{
    s->reply.choices = n ? v : NULL;
    s->reply.n_choices = (size_t)n;
}

static const step *cur_step(const dbt_session *s)
{
    if (s->mode == MODE_SKILL)
        return &s->e->skills[s->skill].steps[s->step];
    if (s->mode == MODE_FOLLOWUP)
        return &s->e->crisis.followup;
    return NULL;
}

/* Offer the current step's choices again (after a command that keeps the
 * person where they are). */
static void reoffer(dbt_session *s)
{
    const step *st = cur_step(s);
    if (st)
        set_choices(s, st->choices, st->nchoices);
}

static void leave_skill(dbt_session *s)
{
    s->mode = MODE_COACH;
    s->skill = s->step = -1;
    s->depth = 0;
    s->nhistory = 0;
}

static void enter_step(dbt_session *s, int sk, int stepi, const capture_ctx *cx, int hops);

/* The current skill is over: return to the caller of a `call`, or to the
 * coach. */
static void finish_skill(dbt_session *s, int hops)
{
    if (s->depth > 0) {
        frame f = s->stack[--s->depth];
        s->nhistory = 0;
        enter_step(s, f.skill, f.step, NULL, hops + 1);
        return;
    }
    leave_skill(s);
    say(s, &s->e->coach.after_skill, NULL);
}

static void push_history(dbt_session *s)
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

static void enter_step(dbt_session *s, int sk, int stepi, const capture_ctx *cx, int hops)
{
    const dbt_engine *e = s->e;
    if (hops > MAX_HOPS) {
        /* A cycle of steps with no question between; the loader's checks warn
         * about these, and here the turn is cut rather than hang. */
        leave_skill(s);
        say(s, &e->coach.fallback, NULL);
        return;
    }
    const step *st = &e->skills[sk].steps[stepi];
    if (s->trace)
        s->trace(s->trace_ud, TRACE_STEP, st);
    s->mode = MODE_SKILL;
    s->skill = sk;
    s->step = stepi;
    say(s, &st->say, cx);
    set_choices(s, st->choices, st->nchoices);
    s->reply.timer = st->timer;
    for (int i = 0; i < st->nbranches; i++) {
        const branch *b = &st->branches[i];
        if (!b->cond || cond_eval(s, b->cond, NULL)) {
            enter_step(s, sk, b->tstep, cx, hops + 1);
            return;
        }
    }
    if (st->end)
        finish_skill(s, hops);
}

static void start_skill(dbt_session *s, int sk, int stepi, bool call)
{
    if (call && s->mode == MODE_SKILL && s->depth < SESSION_MAX_STACK) {
        s->stack[s->depth].skill = (int16_t)s->skill;
        s->stack[s->depth].step = (int16_t)s->step;
        s->depth++;
    } else {
        s->depth = 0;
        session_clear_vars(s);
    }
    s->nhistory = 0;
    enter_step(s, sk, stepi, NULL, 0);
}

static void run_rule(dbt_session *s, const rule *r, const capture_ctx *cx)
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
    say(s, &r->say, cx);
    switch (r->act) {
    case ACT_GOTO:
        push_history(s);
        enter_step(s, r->tskill, r->tstep, cx, 0);
        break;
    case ACT_START:
    case ACT_CALL: start_skill(s, r->tskill, r->tstep, r->act == ACT_CALL); break;
    case ACT_END:
        if (s->mode == MODE_SKILL)
            finish_skill(s, 0);
        break;
    case ACT_NONE: reoffer(s); break;
    }
    if (r->nchoices)
        set_choices(s, r->choices, r->nchoices);
}

/* Does rule `r` fire through its pattern `pat` (-1: it has none)? Its match
 * is left in the session's matcher and described by `cx`. */
static bool fires(dbt_session *s, const rule *r, int pat, capture_ctx *cx, bool *matched)
{
    const char *text = sb_str(&s->w->in);
    *cx = no_capture;
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

/* The first rule of a list that fires on the input: through its index when
 * it has one, else one by one. A rule whose pattern matches but whose
 * condition does not hold does not fire, and its other patterns are not
 * tried. Entries tagged `skip` are passed over; `*tag` (when not NULL)
 * gets the tag of the rule that fired. */
static const rule *first_rule(dbt_session *s, const rule *rules, int n, const rule_index *rx,
                              int skip, capture_ctx *cx, int *tag)
{
    bool matched;
    if (!rx) {
        for (int i = 0; i < n; i++) {
            const rule *r = &rules[i];
            for (int k = 0; k < (r->npats ? r->npats : 1); k++) {
                if (fires(s, r, r->npats ? k : -1, cx, &matched))
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
        if (fires(s, fe->r, fe->pat, cx, &matched)) {
            if (tag)
                *tag = fe->tag;
            return fe->r;
        }
        if (matched)
            dead = fe->r;
    }
    return NULL;
}

static bool try_rules(dbt_session *s, const rule *rules, int n, const rule_index *rx)
{
    capture_ctx cx;
    const rule *r = first_rule(s, rules, n, rx, -1, &cx, NULL);
    if (!r)
        return false;
    run_rule(s, r, &cx);
    return true;
}

/* Global routing: a skill asked for by name, skill triggers, then (outside
 * an exercise) the coach's routes from feelings to skills. In an exercise
 * those routes would answer a different question than the step asked, so
 * the step's fallback keeps the person on track instead. */
static bool route(dbt_session *s)
{
    const dbt_engine *e = s->e;
    int current = s->mode == MODE_SKILL ? s->skill : -1;
    int byname = model_skill_by_name(e, s->w->in.s, s->w->in.len);
    if (byname >= 0 && byname != current) {
        start_skill(s, byname, e->skills[byname].start, false);
        return true;
    }
    capture_ctx cx;
    int k = -1;
    const rule *t = first_rule(s, NULL, 0, e->triggers, current, &cx, &k);
    if (t) {
        if (s->trace)
            s->trace(s->trace_ud, TRACE_RULE, t);
        start_skill(s, k, e->skills[k].start, false);
        return true;
    }
    if (s->mode == MODE_SKILL)
        return false;
    return try_rules(s, e->coach.routes, e->coach.nroutes, e->coach.routes_rx);
}

/* Run a command. Returns false when it does not apply after all (explain or
 * practice of a name that is no skill), so the turn goes on. */
static bool command_run(dbt_session *s, const command *c, const capture_ctx *mcx)
{
    const dbt_engine *e = s->e;
    bool in_skill = s->mode == MODE_SKILL;
    switch (c->kind) {
    case CMD_HELP:
    case CMD_ABOUT:
        say(s, &c->r.say, NULL);
        reoffer(s);
        return true;
    case CMD_CRISIS: {
        capture_ctx cx = no_capture;
        say(s, &c->r.say, &cx);
        reoffer(s);
        return true;
    }
    case CMD_MENU:
        leave_skill(s);
        say(s, &c->r.say, NULL);
        return true;
    case CMD_QUIT:
        say(s, &c->r.say, NULL);
        leave_skill(s);
        session_clear_vars(s);
        s->reply.ended = 1;
        s->ended = true;
        return true;
    case CMD_STOP:
        if (!in_skill)
            return false; /* nothing to stop: "stop" may mean the STOP skill */
        say(s, &c->r.say, NULL);
        leave_skill(s);
        return true;
    case CMD_BACK:
        if (in_skill && s->nhistory > 0) {
            frame f = s->history[--s->nhistory];
            say(s, &c->r.say, NULL);
            enter_step(s, f.skill, f.step, NULL, 0);
            return true;
        }
        if (in_skill)
            leave_skill(s);
        say(s, c->idle.n ? &c->idle : &c->r.say, NULL);
        return true;
    case CMD_SKIP: {
        const step *st = cur_step(s);
        if (in_skill && st->skip_step >= 0) {
            say(s, &c->r.say, NULL);
            push_history(s);
            enter_step(s, s->skill, st->skip_step, NULL, 0);
            return true;
        }
        say(s, c->idle.n ? &c->idle : &c->r.say, NULL);
        reoffer(s);
        return true;
    }
    case CMD_EXPLAIN:
    case CMD_PRACTICE: {
        int g = pat_group_number(mcx->pat, "name");
        size_t off, len;
        if (g < 0 || !pat_group(&s->w->m, (unsigned)g, &off, &len))
            return false;
        int k = model_skill_by_name(e, mcx->subject + off, len);
        if (k < 0)
            return false;
        if (c->kind == CMD_PRACTICE) {
            say(s, &c->r.say, NULL);
            start_skill(s, k, e->skills[k].start, false);
            return true;
        }
        capture_ctx cx = no_capture;
        cx.about = k;
        textv about = {&e->skills[k].about, 1, {NULL, 0, 0}};
        say(s, &about, &cx);
        say(s, &c->r.say, &cx);
        reoffer(s);
        return true;
    }
    case CMD__COUNT: break;
    }
    return false;
}

static bool try_commands(dbt_session *s)
{
    const dbt_engine *e = s->e;
    const char *text = sb_str(&s->w->in);
    for (int i = 0; i < e->coach.ncommands; i++) {
        const command *c = &e->coach.commands[i];
        if (!c->r.npats || pat_match(c->r.pats[0], text, s->w->in.len, 0, &s->w->m) != PM_MATCH)
            continue;
        capture_ctx cx = no_capture;
        cx.pat = c->r.pats[0];
        cx.subject = text;
        if (command_run(s, c, &cx))
            return true;
    }
    return false;
}

static void crisis_reply(dbt_session *s, int cat)
{
    const dbt_engine *e = s->e;
    leave_skill(s);
    session_clear_vars(s);
    s->mode = MODE_FOLLOWUP;
    s->last_cat = cat;
    capture_ctx cx = no_capture;
    cx.category = cat;
    say(s, &e->crisis.cats[cat].say, &cx);
    set_choices(s, e->crisis.followup.choices, e->crisis.followup.nchoices);
    s->reply.crisis = 1;
    s->reply.category = e->crisis.cats[cat].id;
}

/* Give back what only a turn needs, so an idle session holds little more
 * than its reply and variables: thousands of sessions wait between turns for
 * every one that is taking a turn. */
static void release(dbt_session *s)
{
    turn_work *w = s->w;
    if (!w)
        return;
    if (w->scratch.oom)
        s->oom = true;
    matcher_free(&w->m);
    sb_free(&w->in);
    sb_free(&w->lower);
    sb_free(&w->folded);
    sb_free(&w->scratch);
    u32_free(&w->cand);
    u32_free(&w->lits);
    s->w = NULL;
}

/* Paragraphs that rendered to nothing leave runs of blank lines: keep at
 * most one blank line between paragraphs, and none at either end. */
static void tidy(strbuf *b)
{
    if (!b->s)
        return;
    size_t w = 0, nl = 0;
    for (size_t r = 0; r < b->len; r++) {
        char c = b->s[r];
        if (c == '\n') {
            /* drop spaces left at the end of the line */
            while (w > 0 && b->s[w - 1] == ' ')
                w--;
            if (w == 0 || ++nl > 2)
                continue;
        } else {
            nl = 0;
        }
        b->s[w++] = c;
    }
    while (w > 0 && (b->s[w - 1] == '\n' || b->s[w - 1] == ' '))
        w--;
    b->len = w;
    b->s[w] = '\0';
}

static const dbt_reply *finish(dbt_session *s)
{
    release(s);
    if (s->out.oom || s->oom) {
        s->oom = false;
        sb_clear(&s->out);
        s->reply.text = "Sorry, something went wrong on my side (out of memory). Please try "
                        "again in a moment.";
    } else {
        tidy(&s->out);
        sb_shrink(&s->out);
        s->reply.text = sb_str(&s->out);
    }
    s->reply.region = s->e->regions[s->region].code;
    if (s->mode == MODE_SKILL) {
        const skill *sk = &s->e->skills[s->skill];
        s->reply.skill = sk->id;
        s->reply.step = sk->steps[s->step].id;
    }
    return &s->reply;
}

const dbt_reply *dbt_session_turn(dbt_session *s, const char *text)
{
    if (!s)
        return NULL;
    const dbt_engine *e = s->e;
    turn_work work;
    memset(&work, 0, sizeof work);
    /* Working state for this turn only: finish() drops it before returning. */
    // cppcheck-suppress autoVariables
    s->w = &work;
    reply_reset(s);
    s->counter++;
    if (!text)
        text = "";
    size_t raw = strlen(text);
    if (!matcher_init(&s->w->m, (unsigned)e->max_captures, e->mctx) ||
        !text_clean(text, raw, TEXT_MAX_SCREEN, &s->w->in)) {
        s->out.oom = true;
        return finish(s);
    }
    s->ended = false;

    /* The screen reads the input with look-alike letters made Latin; the
     * rules read it as typed (the prefilter may use either: folding only
     * adds ASCII letters, so it never hides a candidate). */
    turn_work *w = s->w;
    size_t slen;
    const char *scr = text_for_screen(w->in.s, w->in.len, &w->folded, &w->lower, &slen);
    if (!scr) {
        s->out.oom = true;
        return finish(s);
    }
    int cat = crisis_screen(e, &w->m, scr, w->lower.s, slen, &w->cand, &w->lits);
    if (cat >= 0) {
        crisis_reply(s, cat);
        return finish(s);
    }
    if (s->w->in.len > TEXT_MAX_INPUT) {
        say(s, &e->coach.too_long, NULL);
        reoffer(s);
        return finish(s);
    }
    if (s->w->in.len == 0) {
        const step *st = cur_step(s);
        say(s,
            st && st->say.n    ? &st->say
            : e->coach.empty.n ? &e->coach.empty
                               : &e->coach.fallback,
            NULL);
        reoffer(s);
        return finish(s);
    }
    if (try_commands(s))
        return finish(s);

    if (s->mode == MODE_SKILL) {
        const skill *sk = &e->skills[s->skill];
        const step *st = &sk->steps[s->step];
        if (try_rules(s, st->rules, st->nrules, st->rx) ||
            try_rules(s, sk->rules, sk->nrules, sk->rx) || route(s))
            return finish(s);
        say(s,
            st->fallback.n   ? &st->fallback
            : sk->fallback.n ? &sk->fallback
                             : &e->coach.fallback,
            NULL);
        reoffer(s);
        return finish(s);
    }
    if (s->mode == MODE_FOLLOWUP) {
        const step *f = &e->crisis.followup;
        if (try_rules(s, f->rules, f->nrules, f->rx) || route(s))
            return finish(s);
        say(s, f->fallback.n ? &f->fallback : &e->coach.fallback, NULL);
        reoffer(s);
        return finish(s);
    }
    if (!route(s))
        say(s, &e->coach.fallback, NULL);
    return finish(s);
}

const dbt_reply *dbt_session_start(dbt_session *s)
{
    if (!s)
        return NULL;
    reply_reset(s);
    leave_skill(s);
    session_clear_vars(s);
    s->ended = false;
    say(s, &s->e->coach.greeting, NULL);
    return finish(s);
}

const dbt_reply *dbt_session_jump(dbt_session *s, const char *skill_id, const char *stepid)
{
    if (!s || !skill_id)
        return NULL;
    int k = model_find_skill(s->e, skill_id);
    if (k < 0)
        return NULL;
    int st = stepid ? model_find_step(&s->e->skills[k], stepid) : s->e->skills[k].start;
    if (st < 0)
        return NULL;
    reply_reset(s);
    leave_skill(s);
    session_clear_vars(s);
    enter_step(s, k, st, NULL, 0);
    return finish(s);
}
