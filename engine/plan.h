/*
 * plan.h - the person's safety plan in a session (plan.c): given by the
 * front end, used in crisis replies, seeded into the plan builder, and
 * turned back into a plan when the builder ends.
 */
#ifndef DBT_PLAN_H
#define DBT_PLAN_H

#include <jansson.h>

#include "session.h"

/* The id of the skill that builds the plan. */
#define PLAN_SKILL "safety-plan"

/* The plan's short crisis block (reasons for living, who to call, one
 * coping step) as a paragraph of its own, followed by a blank line, into
 * `out`; nothing when the session has no plan. */
void plan_crisis_block(const dbt_session *s, strbuf *out);

/* When skill `sk` is the plan builder and the session has a plan, set the
 * builder's variables from it so each step can be reviewed and changed. */
void plan_seed(dbt_session *s, int sk);

/* The plan the builder's variables describe, as a new JSON object in the
 * format dbt_session_set_plan takes; NULL when out of memory. */
json_t *plan_from_vars(const dbt_session *s);

/* Free the session's plan. */
void plan_free(dbt_session *s);

#endif
