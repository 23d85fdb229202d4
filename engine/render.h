/*
 * render.h - turning templates into reply text with a session's variables
 * and the captures of the rule that fired, and evaluating conditions.
 */
#ifndef DBT_RENDER_H
#define DBT_RENDER_H

#include "session.h"

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

/* Evaluate a condition against the session's variables and the captures. */
bool cond_eval(dbt_session *s, const cond *c, const capture_ctx *cx);

#endif
