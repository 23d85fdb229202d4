/*
 * plan_clean.h - checking and cleaning a safety plan (plan_clean.c).
 */
#ifndef DBT_PLAN_CLEAN_H
#define DBT_PLAN_CLEAN_H

#include <jansson.h>

enum { PLAN_MAX_ITEMS = 20, PLAN_MAX_TEXT = 300 };

/* The plan's parts, in the order of the safety planning steps; NULL ends. */
extern const char *const plan_parts[];

/* The plan in `in` (not consumed), checked and every text cleaned like
 * input, as a new object; NULL with `*bad` set on a malformed plan, or with
 * `*bad` NULL when out of memory. */
json_t *plan_clean(json_t *in, const char **bad);

#endif
