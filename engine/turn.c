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

#include "choice.h"
#include "crisis.h"
#include "flow.h"
#include "normalise.h"
#include "safety.h"
#include "talk.h"
#include "text.h"

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
        flow_start(s, byname, e->skills[byname].start, false);
        return true;
    }
    capture_ctx cx;
    int k = -1;
    const rule *t = flow_first_rule(s, NULL, 0, e->triggers, current, &cx, &k);
    if (t) {
        if (s->trace)
            s->trace(s->trace_ud, TRACE_RULE, t);
        flow_start(s, k, e->skills[k].start, false);
        return true;
    }
    if (s->mode == MODE_SKILL)
        return false;
    return flow_try_rules(s, e->coach.routes, e->coach.nroutes, e->coach.routes_rx);
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
        flow_say(s, &c->r.say, NULL);
        flow_reoffer(s);
        return true;
    case CMD_CRISIS: {
        capture_ctx cx = flow_no_capture;
        flow_say(s, &c->r.say, &cx);
        flow_reoffer(s);
        return true;
    }
    case CMD_MENU:
        flow_leave(s);
        flow_say(s, &c->r.say, NULL);
        return true;
    case CMD_QUIT:
        flow_say(s, &c->r.say, NULL);
        flow_leave(s);
        session_clear_vars(s);
        s->reply.ended = 1;
        s->ended = true;
        return true;
    case CMD_STOP:
        if (!in_skill)
            return false; /* nothing to stop: "stop" may mean the STOP skill */
        flow_say(s, &c->r.say, NULL);
        flow_leave(s);
        return true;
    case CMD_BACK:
        if (in_skill && s->nhistory > 0) {
            frame f = s->history[--s->nhistory];
            flow_say(s, &c->r.say, NULL);
            flow_enter(s, f.skill, f.step, NULL, 0);
            return true;
        }
        if (in_skill)
            flow_leave(s);
        flow_say(s, c->idle.n ? &c->idle : &c->r.say, NULL);
        return true;
    case CMD_SKIP: {
        const step *st = flow_step(s);
        if (in_skill && st->skip_step >= 0) {
            flow_say(s, &c->r.say, NULL);
            flow_push_history(s);
            flow_enter(s, s->skill, st->skip_step, NULL, 0);
            return true;
        }
        flow_say(s, c->idle.n ? &c->idle : &c->r.say, NULL);
        flow_reoffer(s);
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
            flow_say(s, &c->r.say, NULL);
            flow_start(s, k, e->skills[k].start, false);
            return true;
        }
        capture_ctx cx = flow_no_capture;
        cx.about = k;
        textv about = {&e->skills[k].about, 1, {NULL, 0, 0}};
        flow_say(s, &about, &cx);
        flow_say(s, &c->r.say, &cx);
        flow_reoffer(s);
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
        if (talk_step_claims(s)) /* the step's own example: its answer, not a command */
            return false;
        capture_ctx cx = flow_no_capture;
        cx.pat = c->r.pats[0];
        cx.subject = text;
        if (command_run(s, c, &cx))
            return true;
    }
    return false;
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
    sb_free(&w->typed);
    sb_free(&w->fixed);
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

/* Keep the offer this reply makes; without one, keep the last offer unless
 * the conversation moved (another step, skill or mode). */
static void keep_offer(dbt_session *s)
{
    const dbt_reply *r = &s->reply;
    if (r->n_choices) {
        if ((const char *const *)r->choices != s->offer_src &&
            !session_set_offer(s, (const char *const *)r->choices, (int)r->n_choices))
            s->oom = true;
        return;
    }
    bool moved = s->mode != s->turn_mode || s->turn_skill < 0 ||
                 (s->mode == MODE_SKILL && (s->skill != s->turn_skill || s->step != s->turn_step));
    if (moved)
        session_set_offer(s, NULL, 0);
}

static const dbt_reply *finish(dbt_session *s)
{
    keep_offer(s);
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

/* Screen `src`: the tag of the first category that matches, -1 when none,
 * -2 when memory ran out. */
static int screen(dbt_session *s, const strbuf *src)
{
    turn_work *w = s->w;
    size_t slen;
    const char *scr = text_for_screen(src->s, src->len, &w->folded, &w->lower, &slen);
    if (!scr || src->oom)
        return -2;
    return crisis_screen(s->e, &w->m, scr, w->lower.s, slen, &w->cand, &w->lits);
}

/* The lowercased copy of what the rules read, for the prefilter. */
static bool prepare(dbt_session *s)
{
    turn_work *w = s->w;
    size_t slen;
    return text_for_screen(w->in.s, w->in.len, &w->folded, &w->lower, &slen) && !w->in.oom;
}

/* "2", "the second one", "option two": the text of that choice of the last
 * offer, in every front end, unless the step reads the text itself. 1 when
 * a choice was taken, 0 when none, -1 when memory ran out. */
static int take_choice(dbt_session *s)
{
    turn_work *w = s->w;
    int k = s->noffer ? choice_ref(w->in.s, w->in.len, s->noffer) : 0;
    if (k && talk_step_reads(s) && !talk_other_offer(s))
        return 0;
    if (!k && !(k = talk_describe(s)) && !(k = talk_pick(s)))
        return 0;
    sb_clear(&w->in);
    if (!text_clean(s->offer[k - 1], strlen(s->offer[k - 1]), TEXT_MAX_SCREEN, &w->in))
        return -1;
    return prepare(s) ? 1 : -1;
}

/* The rules of where the person is, then routing; false when none fired. */
static bool respond(dbt_session *s)
{
    const dbt_engine *e = s->e;
    if (s->mode == MODE_SKILL) {
        const skill *sk = &e->skills[s->skill];
        const step *st = &sk->steps[s->step];
        return flow_try_rules(s, st->rules, st->nrules, st->rx) ||
               flow_try_rules(s, sk->rules, sk->nrules, sk->rx) || route(s);
    }
    if (s->mode == MODE_FOLLOWUP) {
        const step *f = model_followup(e, s->lang);
        return flow_try_rules(s, f->rules, f->nrules, f->rx) || route(s);
    }
    return route(s);
}

/* "You can say "a", "b" or "c"." for a step with choices and no fallback. */
static void say_choices(dbt_session *s, const char *const *choices, int n)
{
    strbuf *out = &s->out;
    if (out->len)
        sb_adds(out, "\n\n");
    sb_adds(out, "You can say ");
    for (int i = 0; i < n; i++) {
        if (i)
            sb_adds(out, i == n - 1 ? " or " : ", ");
        sb_addc(out, '"');
        sb_adds(out, choices[i]);
        sb_addc(out, '"');
    }
    sb_adds(out, ".");
}

/* Nothing fired: the step's fallback, the skill's, a step's choices, its
 * rephrase, or the coach's. */
static void fall_back(dbt_session *s)
{
    const dbt_engine *e = s->e;
    const textv *t = &e->coach.fallback;
    if (s->mode == MODE_SKILL) {
        if (talk_stuck(s, 2)) /* a third turn that does not move the step: no loop */
            return;
        const skill *sk = &e->skills[s->skill];
        const step *st = &sk->steps[s->step];
        if (!st->fallback.n && !sk->fallback.n && st->nchoices > 1) {
            say_choices(s, st->choices, st->nchoices);
            flow_reoffer(s);
            return;
        }
        t = st->fallback.n   ? &st->fallback
            : sk->fallback.n ? &sk->fallback
            : st->rephrase.n ? &st->rephrase /* the question again, in other words */
                             : t;
    } else if (s->mode == MODE_FOLLOWUP) {
        const step *f = model_followup(e, s->lang);
        t = f->fallback.n ? &f->fallback : t;
    }
    flow_say(s, t, NULL);
    flow_reoffer(s);
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
    flow_reset(s);
    s->counter++;
    s->turn_mode = s->mode;
    s->turn_skill = s->mode == MODE_SKILL ? s->skill : 0;
    s->turn_step = s->step;
    if (!text)
        text = "";
    size_t raw = strlen(text);
    if (!matcher_init(&s->w->m, (unsigned)e->max_captures, e->mctx) ||
        !text_clean(text, raw, TEXT_MAX_SCREEN, &s->w->in)) {
        s->out.oom = true;
        return finish(s);
    }
    s->ended = false;

    /* One normalisation for the screen and the rules. The screen reads the
     * text as typed and, when normalising changes it, fully normalised
     * (shorthand, elongation, digits as letters, typos), and screens in when
     * either matches. The rules read it with shorthand and elongation undone
     * (captures stay as typed otherwise), and get the typo-corrected text as
     * a second chance when nothing fired. */
    turn_work *w = s->w;
    bool fixed = e->nz && nz_apply(e->nz, w->in.s, w->in.len, true, &w->fixed);
    int hit = screen(s, &w->in);
    if (hit == -1 && fixed)
        hit = screen(s, &w->fixed);
    if (hit == -2) {
        s->out.oom = true;
        return finish(s);
    }
    if (hit >= 0) {
        safety_screened(s, hit);
        return finish(s);
    }
    if (fixed && nz_apply(e->nz, w->in.s, w->in.len, false, &w->typed)) {
        strbuf t = w->in;
        w->in = w->typed;
        w->typed = t;
    }
    if (!prepare(s)) {
        s->out.oom = true;
        return finish(s);
    }
    if (w->in.len > TEXT_MAX_INPUT) {
        flow_say(s, &e->coach.too_long, NULL);
        flow_reoffer(s);
        return finish(s);
    }
    if (w->in.len == 0) {
        const step *st = flow_step(s);
        flow_say(s,
                 st && st->say.n    ? &st->say
                 : e->coach.empty.n ? &e->coach.empty
                                    : &e->coach.fallback,
                 NULL);
        flow_reoffer(s);
        return finish(s);
    }
    int took = take_choice(s);
    if (took < 0) {
        s->out.oom = true;
        return finish(s);
    }
    fixed &= !took;
    if (took && talk_other_offer(s)) { /* a skill of "something else"'s offer */
        int k = model_skill_by_name(e, w->in.s, w->in.len);
        if (k >= 0) {
            flow_start(s, k, e->skills[k].start, false);
            return finish(s);
        }
    }
    if (try_commands(s) || (s->mode == MODE_CHECKIN && safety_checkin(s)))
        return finish(s);
    talk_result tk = talk_step(s);
    if (tk == TALK_OOM || (tk == TALK_GUESS && !prepare(s))) {
        s->out.oom = true;
        return finish(s);
    }
    if (tk == TALK_SAID || talk_coach(s) || respond(s))
        return finish(s);
    if (fixed && strcmp(sb_str(&w->fixed), sb_str(&w->in)) != 0) {
        strbuf t = w->in;
        w->in = w->fixed;
        w->fixed = t;
        if (!prepare(s)) {
            s->out.oom = true;
            return finish(s);
        }
        if (respond(s))
            return finish(s);
    }
    fall_back(s);
    return finish(s);
}

const dbt_reply *dbt_session_start(dbt_session *s)
{
    if (!s)
        return NULL;
    flow_reset(s);
    flow_leave(s);
    session_clear_vars(s);
    s->ended = false;
    s->turn_skill = -1;
    flow_say(s, &s->e->coach.greeting, NULL);
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
    flow_reset(s);
    flow_leave(s);
    session_clear_vars(s);
    s->turn_skill = -1;
    flow_enter(s, k, st, NULL, 0);
    return finish(s);
}
