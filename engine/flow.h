/*
 * flow.h - the moves a turn is made of (flow.c): say a text, offer choices,
 * enter a step, start or leave a skill, run the rule that fires.
 */
#ifndef DBT_FLOW_H
#define DBT_FLOW_H

#include "render.h"

/* No rule fired: templates see only the session's variables. */
extern const capture_ctx flow_no_capture;

/* Clear the reply before a new turn. */
void flow_reset(dbt_session *s);
/* Say one variant of `t` (rotating by turn), as a paragraph of its own. */
void flow_say(dbt_session *s, const textv *t, const capture_ctx *cx);
/* Offer `n` choices; they live in the engine, so the reply points at them. */
void flow_choices(dbt_session *s, const char *const *v, int n);
/* The step the person is answering (a skill's step, or the crisis
 * follow-up), or NULL at the coach. */
const step *flow_step(const dbt_session *s);
/* Offer the current step's choices again. */
void flow_reoffer(dbt_session *s);
/* Back to the coach: no skill, no call stack, no history. */
void flow_leave(dbt_session *s);
/* The current skill is over: back to its caller, or to the coach. */
void flow_finish_skill(dbt_session *s, int hops);
/* Remember the current step for "back". */
void flow_push_history(dbt_session *s);
/* Enter step `stepi` of skill `sk`: say it, offer its choices, follow its
 * branches; `hops` counts steps entered this turn without input. */
void flow_enter(dbt_session *s, int sk, int stepi, const capture_ctx *cx, int hops);
/* Start skill `sk` at `stepi`; `call` keeps the current skill to return to. */
void flow_start(dbt_session *s, int sk, int stepi, bool call);
/* Run what rule `r` does: set, say, then its action. */
void flow_run_rule(dbt_session *s, const rule *r, const capture_ctx *cx);
/* The first rule of a list that fires on the input (through its index when
 * it has one). Entries tagged `skip` are passed over; `*tag` (when not NULL)
 * gets the tag of the rule that fired. */
const rule *flow_first_rule(dbt_session *s, const rule *rules, int n, const rule_index *rx,
                            int skip, capture_ctx *cx, int *tag);
/* Run the first rule of a list that fires; false when none does. */
bool flow_try_rules(dbt_session *s, const rule *rules, int n, const rule_index *rx);

#endif
