/*
 * safety.c - what the coach says when the screen fires: the crisis reply
 * with the person's hotlines, the warning-sign question and its check-in.
 * The screen itself (crisis.c) decides whether it fires; this only replies.
 */
#include <string.h>

#include "flow.h"
#include "safety.h"

static const crisis_lang *lang_of(const dbt_session *s)
{
    return s->lang > 0 ? &s->e->crisis.langs[s->lang - 1] : NULL;
}

/* A category's reply in the session's language, else in English. */
static const textv *cat_say(const dbt_session *s, int cat)
{
    const crisis_lang *l = lang_of(s);
    return l && l->say[cat].n ? &l->say[cat] : &s->e->crisis.cats[cat].say;
}

static const checkin *cur_checkin(const dbt_session *s)
{
    const crisis_lang *l = lang_of(s);
    return l && l->ck.nyes ? &l->ck : &s->e->crisis.ck;
}

static void crisis_reply(dbt_session *s, int cat)
{
    flow_leave(s);
    session_clear_vars(s);
    s->mode = MODE_FOLLOWUP;
    s->last_cat = cat;
    capture_ctx cx = flow_no_capture;
    cx.category = cat;
    flow_say(s, cat_say(s, cat), &cx);
    const step *f = model_followup(s->e, s->lang);
    flow_choices(s, f->choices, f->nchoices);
    s->reply.crisis = 1;
    s->reply.tier = "crisis";
    s->reply.category = s->e->crisis.cats[cat].id;
}

/* A warning sign: ask directly, offer the lines, and keep the exercise
 * where it was, to go on with after a "no". */
static void warning_reply(dbt_session *s, int cat)
{
    if (s->mode != MODE_SKILL)
        flow_leave(s);
    s->mode = MODE_CHECKIN;
    s->last_cat = cat;
    s->checkin_tries = 0;
    capture_ctx cx = flow_no_capture;
    cx.category = cat;
    flow_say(s, cat_say(s, cat), &cx);
    const checkin *ck = cur_checkin(s);
    flow_choices(s, ck->choices, ck->nchoices);
    s->reply.crisis = 1;
    s->reply.tier = "warning";
    s->reply.category = s->e->crisis.cats[cat].id;
}

static int category(const dbt_engine *e, const char *id)
{
    for (int c = 0; c < e->crisis.ncats; c++)
        if (!strcmp(e->crisis.cats[c].id, id))
            return c;
    return -1;
}

/* A "yes" to the warning question gets the reply for suicidal thoughts said
 * directly (or, without that category, the warning's own category). */
static void escalate(dbt_session *s)
{
    int cat = category(s->e, "suicide");
    crisis_reply(s, cat >= 0 ? cat : s->last_cat);
}

void safety_screened(dbt_session *s, int tag)
{
    int cat = tag % CRISIS_LANG_TAG;
    s->lang = tag / CRISIS_LANG_TAG;
    if (!s->e->crisis.cats[cat].warning)
        crisis_reply(s, cat);
    else if (s->mode == MODE_CHECKIN)
        escalate(s); /* more warning signs as the answer to the question */
    else
        warning_reply(s, cat);
}

/* Back to where the warning found the person. */
static void resume(dbt_session *s)
{
    s->mode = s->skill >= 0 ? MODE_SKILL : MODE_COACH;
    s->checkin_tries = 0;
}

bool safety_checkin(dbt_session *s)
{
    const checkin *ck = cur_checkin(s);
    capture_ctx cx;
    if (flow_first_rule(s, ck->yes, ck->nyes, NULL, -1, &cx, NULL)) {
        escalate(s);
        return true;
    }
    if (flow_first_rule(s, ck->no, ck->nno, NULL, -1, &cx, NULL)) {
        flow_say(s, &ck->no_say, NULL);
        resume(s);
        const step *st = flow_step(s);
        if (st) {
            flow_say(s, &st->say, NULL);
            flow_reoffer(s);
            s->reply.timer = st->timer;
        }
        return true;
    }
    if (s->checkin_tries++ == 0) {
        flow_say(s, &ck->again, NULL);
        flow_choices(s, ck->choices, ck->nchoices);
        return true;
    }
    resume(s); /* a second answer that is neither: the turn goes on as usual */
    return false;
}
