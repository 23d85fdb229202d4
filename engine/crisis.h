/*
 * crisis.h - the crisis screen: which category, if any, the input names.
 * It reads the model and the input only; replies are the turn's business.
 */
#ifndef DBT_CRISIS_H
#define DBT_CRISIS_H

#include "model.h"

/* The first category whose patterns match the cleaned input `text` (and
 * `lower`, its ASCII-lowercased copy), or -1. The result is the index's tag:
 * category + CRISIS_LANG_TAG * language (0 English, l + 1 for langs[l]). A match lying wholly
 * inside an idiom does not count; a pattern that hits the match limits screens in. */
int crisis_screen(const dbt_engine *e, matcher *m, const char *text, const char *lower, size_t len,
                  u32vec *cand, u32vec *lits);

#endif
