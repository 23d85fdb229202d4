/*
 * safety.c - what the coach says when the screen fires: the crisis reply
 * with the person's hotlines, the warning-sign question and its check-in.
 * The screen itself (crisis.c) decides whether it fires; this only replies.
 */
#include <string.h>

#include "flow.h"
#include "safety.h"

void safety_crisis_reply(dbt_session *s, int cat)
{
    const dbt_engine *e = s->e;
    flow_leave(s);
    session_clear_vars(s);
    s->mode = MODE_FOLLOWUP;
    s->last_cat = cat;
    capture_ctx cx = flow_no_capture;
    cx.category = cat;
    flow_say(s, &e->crisis.cats[cat].say, &cx);
    flow_choices(s, e->crisis.followup.choices, e->crisis.followup.nchoices);
    s->reply.crisis = 1;
    s->reply.category = e->crisis.cats[cat].id;
}
