/*
 * record.h - the structured record a reply carries when an exercise, the
 * diary card or the safety-plan builder ends (record.c), for the front end
 * to keep as it likes. The engine never stores it.
 */
#ifndef DBT_RECORD_H
#define DBT_RECORD_H

#include "session.h"

/* The skill the session is in has just ended: build its record from the
 * session's variables and point the reply at it. Out of memory leaves the
 * reply without a record. */
void record_skill_end(dbt_session *s);

/* Drop the record of the previous call (at the start of every call). */
void record_clear(dbt_session *s);

#endif
