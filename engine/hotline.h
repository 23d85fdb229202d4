/*
 * hotline.h - rendering the hotline directory into reply text.
 */
#ifndef DBT_HOTLINE_H
#define DBT_HOTLINE_H

#include "model.h"

/* The hotline block for crisis category `category` (-1: every service) in
 * region `reg`: the category's own services first, then the general ones,
 * then the emergency number, in the words `w` of the person's language. */
void hotline_block(const dbt_engine *e, int reg, int category, const hotline_words *w, strbuf *out);

#endif
