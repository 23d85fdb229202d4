/*
 * safety.h - the replies to what the crisis screen found (safety.c). The
 * turn calls these; nothing here decides whether the screen fires.
 */
#ifndef DBT_SAFETY_H
#define DBT_SAFETY_H

#include "session.h"

/* The crisis reply for category `cat`: stops the exercise, gives the
 * region's lines, and leaves the session in the crisis follow-up. */
void safety_crisis_reply(dbt_session *s, int cat);

#endif
