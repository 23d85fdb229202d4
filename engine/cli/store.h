/*
 * store.h - the private diary store of the dbtcoach command (store.c): one
 * SQLite database, dbtcoach.db, in a folder only the person can read. It
 * holds diary cards (one a day, editable that day), the practice log (one
 * row per finished exercise) and the safety plan. Nothing is written before
 * the person turns the diary on or asks to keep their plan.
 *
 * Errors: functions that can fail return false and put a one-line message
 * for the person into the store's error (store_error), or into `err` for
 * store_open.
 */
#ifndef DBT_CLI_STORE_H
#define DBT_CLI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum { STORE_VERSION = 2 }; /* PRAGMA user_version of a current database */

typedef struct store store;

/* The data folder: `flag` (--data), $DBTCOACH_DATA, $XDG_DATA_HOME/dbtcoach,
 * or ~/.local/share/dbtcoach. Into `buf`; false when none can be found. */
bool store_dir(const char *flag, char *buf, size_t size);

/* Is there a database in `dir` already? */
bool store_exists(const char *dir);

/* Open the database in `dir`. With `create`, make the folder (mode 0700)
 * and the database (mode 0600) when missing; without it, fail when there is
 * none. Migrates an older schema. NULL on failure, with a message in `err`. */
store *store_open(const char *dir, bool create, char *err, size_t errlen);
void store_close(store *st);
const char *store_error(const store *st);
const char *store_path(const store *st);

/* Keep a record from dbt_reply.record, made at time `when`: a practice
 * goes into the log, a diary card replaces today's answers it repeats
 * (a card is edited by filling it in again the same day), a plan replaces
 * the plan. One transaction each. */
bool store_add_record(store *st, const char *record_json, time_t when);

/* Settings: the diary is on when "diary" is "on". */
bool store_set(store *st, const char *key, const char *value);
bool store_diary_on(store *st);

/* The plan as JSON (the format of dbt_session_set_plan), or NULL when there
 * is none; free() it. */
char *store_plan(store *st);
bool store_forget_plan(store *st);

/* Everything since `since` (a local day "YYYY-MM-DD") as a new JSON text,
 * {"cards":[{"day":..,"updated":..,"answers":{..}}..],
 *  "practice":[{"at":..,"skill":..,"title":..,"before":{..},"after":{..},
 *  "answers":{..}}..]}, oldest first; NULL on error. free() it. */
char *store_export(store *st, const char *since);

/* For tests: limit the database to `pages` pages, as a full disk would. */
bool store_limit_pages(store *st, int pages);

/* Delete the database in `dir` and its journal files. */
bool store_delete(const char *dir, char *err, size_t errlen);

#endif
