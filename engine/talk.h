/*
 * talk.h - talk about a step rather than an answer to it ("why?", "idk",
 * "something else"), the small talk of a conversation ("thanks", "ok",
 * "lol") and ratings given in words (talk.c). Tried before a step's rules,
 * so none of it is ever stored as an answer.
 */
#ifndef DBT_TALK_H
#define DBT_TALK_H

#include "flow.h"

typedef enum talk_result {
    TALK_NO,    /* not talk: the turn goes on */
    TALK_SAID,  /* answered; the step waits still */
    TALK_GUESS, /* the input was put in words the step's rules read: a rating in
                   words asked once already is now the guessed number, and talk the
                   author answers with a rule ("nothing", "I don't know" listed as
                   its example) is now that example (the caller prepares it and runs
                   the rules) */
    TALK_OOM
} talk_result;

/* Does a rule of the step take this very text as an answer (a rating rule
 * reading "2", say)? Catch-all rules do not count. */
bool talk_step_reads(dbt_session *s);
/* Does a rule of the step, no catch-all, list this very message among its
 * examples ("stop" where the coach just suggested the STOP skill)? Then it
 * is the step's answer, not a command. */
bool talk_step_claims(dbt_session *s);
/* Was the last offer "something else"'s, ending in the way back? Then a
 * number takes one of its choices even at a step that reads numbers. */
bool talk_other_offer(dbt_session *s);
/* In an exercise: talk about the step, small talk, a rating in words. */
talk_result talk_step(dbt_session *s);
/* One more turn at the step that did not move it ("idk", a fallback). When
 * `limit` such turns came before and the step has `skip:`, the step is left
 * as "skip" would, with talk unsure's `again:` text, and true is returned. */
bool talk_stuck(dbt_session *s, int limit);
/* "the breathing one", "the one about facts" at an offer of skills (the
 * coach's, or "something else"'s): the 1-based choice whose title, summary
 * and about alone hold the words; 0 when not that. */
int talk_describe(dbt_session *s);
/* "You pick", "whatever", "which one?" to an offer of skills (the coach's,
 * or "something else"'s), or "ok" to an offer of one: 1, the first choice
 * (the best fit), after a word that the coach chose; 0 when not that. */
int talk_pick(dbt_session *s);
/* At the coach, with an offer standing: "ugh", "idk" keep it; "ok" to
 * several choices asks which one. */
bool talk_coach(dbt_session *s);

#endif
