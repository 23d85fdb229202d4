/*
 * safety.h - the replies to what the crisis screen found (safety.c). The
 * turn calls these; nothing here decides whether the screen fires.
 */
#ifndef DBT_SAFETY_H
#define DBT_SAFETY_H

#include "session.h"

/* Reply to a screen hit (`tag` from crisis_screen): the crisis reply, which
 * stops the exercise and gives the region's lines, or for a warning sign the
 * direct question, which pauses it and waits for the answer. */
void safety_screened(dbt_session *s, int tag);

/* The person answers the warning question (the screen did not fire): yes
 * gets the crisis reply, no a warm check-in and the exercise again, anything
 * else the question once more. False when the answer was neither, twice:
 * the session is back where it was and the turn goes on as usual. */
bool safety_checkin(dbt_session *s);

#endif
