/*
 * dbtcoach.h - the public interface of libdbtcoach, a rule-based coach for
 * practising DBT skills.
 *
 * The shape of it: load a folder of skill scripts once into an immutable
 * dbt_engine, then give every person their own dbt_session and feed it what
 * they type, one turn at a time. Every turn is screened for crisis language
 * before anything else.
 *
 * Ownership, once for the whole header:
 *   - Pointers you pass in are only read during the call; the library keeps
 *     no reference to them unless a function says otherwise.
 *   - Pointers the library returns are owned by the library and stay valid
 *     until the lifetime stated in the function's comment ends. A function
 *     that hands you memory to free says so, and names the function to use.
 *
 * Threads: a dbt_engine is immutable after dbt_engine_load returns and may be
 * shared by any number of threads and sessions. A dbt_session belongs to one
 * thread at a time; different sessions may be used by different threads at
 * once without locking.
 *
 * The library never prints, never exits, never reads the environment and has
 * no network code. It writes nothing to disk: what a front end may want to
 * keep (a finished exercise, a diary card, a safety plan) comes back in
 * dbt_reply.record for the front end to store by its own policy.
 */
#ifndef DBTCOACH_H
#define DBTCOACH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DBT_BUILDING) && defined(__GNUC__)
#define DBT_API __attribute__((visibility("default")))
#else
#define DBT_API
#endif

#define DBT_VERSION_MAJOR  0
#define DBT_VERSION_MINOR  1
#define DBT_VERSION_PATCH  0
#define DBT_VERSION_STRING "0.1.0"

/* The version of the library actually linked, e.g. "0.1.0". Static string. */
DBT_API const char *dbt_version(void);

/* Status codes returned by functions that can fail. */
typedef enum dbt_status {
    DBT_OK = 0,
    DBT_ERR_IO,     /* a file or folder could not be read */
    DBT_ERR_SCRIPT, /* a script is malformed; file/line/column say where */
    DBT_ERR_STATE,  /* a saved session is malformed or does not fit the engine */
    DBT_ERR_NOMEM,  /* out of memory */
    DBT_ERR_ARG     /* a bad argument, e.g. a NULL pointer */
} dbt_status;

/*
 * A rich error. `file` is empty and `line`/`column` are 0 when the error has
 * no place in a file. Lines and columns count from 1.
 */
typedef struct dbt_error {
    dbt_status status;
    char message[512];
    char file[1024];
    int line;
    int column;
} dbt_error;

typedef struct dbt_engine dbt_engine;
typedef struct dbt_session dbt_session;

/* A timed step: front ends show a countdown or a breathing pacer. */
typedef enum dbt_timer_kind {
    DBT_TIMER_NONE = 0,
    DBT_TIMER_COUNTDOWN, /* `seconds` */
    DBT_TIMER_BREATHE    /* `breathe_in`, `hold`, `breathe_out` seconds, `cycles` times */
} dbt_timer_kind;

typedef struct dbt_timer {
    dbt_timer_kind kind;
    int seconds;
    int breathe_in;
    int hold;
    int breathe_out;
    int cycles;
} dbt_timer;

/*
 * What the coach says back. Returned by dbt_session_start and
 * dbt_session_turn; owned by the session and valid until the next call on
 * that session (or until it is freed). The strings `category`, `skill`,
 * `step`, `region` and each of `choices` belong to the engine and live as
 * long as it does; a choice may be passed straight back to dbt_session_turn.
 */
typedef struct dbt_reply {
    const char *text;           /* what to show; paragraphs separated by "\n\n" */
    int crisis;                 /* non-zero: crisis language was detected this turn */
    const char *tier;           /* "crisis" (the full crisis reply) or "warning" (a warning sign:
                                   the coach asks directly about suicide and waits for the
                                   answer), when crisis; else NULL. Static string */
    const char *category;       /* the crisis category id when crisis, else NULL */
    const char *skill;          /* id of the skill now running, or NULL */
    const char *step;           /* id of the step now waiting, or NULL */
    const char *const *choices; /* quick replies to offer, may be NULL when none. The
                                   person may type one's text, its number ("2") or
                                   an ordinal ("the second one"): the engine reads
                                   them, and the offer stays valid through turns
                                   that do not move the conversation */
    size_t n_choices;
    int ended;          /* non-zero: the person said goodbye */
    dbt_timer timer;    /* a timer to run for the step just entered */
    int hotlines;       /* non-zero: the text lists crisis lines (a crisis reply,
                           or the person asked for them with "help now") */
    const char *region; /* the region whose crisis lines the session uses */
    const char *record; /* NULL, or on the turn an exercise, the diary card or the safety-plan
                           builder ends, a JSON object describing it, for the front end to keep
                           if it wants (see docs/EMBEDDING.md):
                           {"kind":"practice"|"diary"|"plan","skill":ID,"title":..,"module":..,
                            "before":{"urge":7},"after":{"urge":3},"answers":{NAME:TEXT,..}}
                           (ratings from variables NAME_before / NAME_after; kind "plan" also
                           has "plan": the plan in the format of dbt_session_set_plan). Owned
                           by the session, valid until the next call on it */
} dbt_reply;

/*
 * Diagnostics while loading or checking scripts. `severity` is
 * DBT_SEVERITY_ERROR or DBT_SEVERITY_WARNING. The error is valid only during
 * the call.
 */
enum { DBT_SEVERITY_ERROR = 0, DBT_SEVERITY_WARNING = 1 };
typedef void (*dbt_diag_fn)(void *user, int severity, const dbt_error *diag);

/*
 * Load every script under `skills_dir` (coach.yaml, crisis.yaml,
 * hotlines.yaml and the skill files in its sub-folders). Returns NULL on any
 * error and fills `err` (which may be NULL) with the first one: a half-loaded
 * coach is worse than none. The caller frees the engine with dbt_engine_free
 * after every session using it has been freed.
 */
DBT_API dbt_engine *dbt_engine_load(const char *skills_dir, dbt_error *err);

/* Options for dbt_engine_load_checked, or-ed together. */
enum {
    DBT_LOAD_CHECKS = 1, /* also run the static checks of `dbtcoach check` */
    DBT_LOAD_NO_JIT = 2  /* match without PCRE2's JIT: slower, but memory checkers such as
                            valgrind understand it (JIT code reads past the input on purpose) */
};

/*
 * Like dbt_engine_load, but reports every error (not only the first) through
 * `diag`, and takes options (`flags`, see above): with DBT_LOAD_CHECKS the
 * static checks' warnings and errors are reported the same way. Returns NULL
 * when there was any error.
 */
DBT_API dbt_engine *dbt_engine_load_checked(const char *skills_dir, int flags, dbt_diag_fn diag,
                                            void *user, dbt_error *err);

DBT_API void dbt_engine_free(dbt_engine *engine);

/* Skills in load order, for menus and completion. Index from 0 to count-1;
 * returned strings live as long as the engine. */
DBT_API size_t dbt_engine_skill_count(const dbt_engine *engine);
typedef struct dbt_skill_info {
    const char *id;
    const char *title;
    const char *module;
    const char *summary;
    const char *file; /* the script it came from */
} dbt_skill_info;
DBT_API int dbt_engine_skill_info(const dbt_engine *engine, size_t index, dbt_skill_info *out);

/* The region codes the hotline directory knows, e.g. "US"; index from 0.
 * Returns NULL past the end. The string lives as long as the engine. */
DBT_API const char *dbt_engine_region(const dbt_engine *engine, size_t index);

/*
 * A new session on `engine` for a person in `region` (an ISO 3166 country
 * code like "GB", case-insensitive; NULL or unknown uses the international
 * fallback). Returns NULL when out of memory. Free with dbt_session_free.
 * The engine must outlive the session.
 */
DBT_API dbt_session *dbt_session_new(const dbt_engine *engine, const char *region);
DBT_API void dbt_session_free(dbt_session *session);

/* Change the person's region for the hotlines; NULL or unknown: fallback.
 * Returns the region code now in use (valid as long as the engine). */
DBT_API const char *dbt_session_set_region(dbt_session *session, const char *region);

/*
 * Give the session the person's own safety plan, which the library never
 * writes anywhere itself but keeps in the session's saved state
 * (dbt_session_save; restore checks and cleans it the same way and drops a
 * damaged one). The plan builder, when the person says to keep the plan,
 * also sets it here as it ends. Crisis replies then show a short part of
 * it (reasons for living, people to call with their numbers, one coping
 * step) before the crisis lines, never instead of them, and the plan builder (skill
 * "safety-plan") starts from it so each step can be changed. `plan_json` is
 * a JSON object whose parts are all optional lists:
 *   {"warning_signs":[TEXT..],"coping":[..],"distractions":[..],
 *    "people":[{"name":"Sam","phone":"0123"}..],"professionals":[..],
 *    "safer":[..],"reasons":[..]}
 * at most 20 entries a part; every text is cleaned like input (no control
 * or escape characters) and cut to 300 bytes. NULL clears the plan. Returns
 * DBT_OK, or DBT_ERR_ARG (malformed plan, `err` says why; the old plan is
 * kept) or DBT_ERR_NOMEM. The string is only read during the call.
 */
DBT_API int dbt_session_set_plan(dbt_session *session, const char *plan_json, dbt_error *err);

/* The greeting. */
DBT_API const dbt_reply *dbt_session_start(dbt_session *session);

/*
 * One turn: `text` is what the person typed, any bytes, NUL-terminated
 * (invalid UTF-8 and control characters are cleaned, over-long input is
 * answered without being processed whole). Never returns NULL for a non-NULL
 * session: on out-of-memory the reply says so and the session is unchanged.
 */
DBT_API const dbt_reply *dbt_session_turn(dbt_session *session, const char *text);

/*
 * Put the session at `skill`'s step `step` (NULL: its start step), as if the
 * person had just arrived there, and return what the coach says there. For
 * deep links from a front end and for tests. Returns NULL when the skill or
 * step does not exist.
 */
DBT_API const dbt_reply *dbt_session_jump(dbt_session *session, const char *skill,
                                          const char *step);

/*
 * The session's state as a compact JSON document (versioned), to keep in a
 * store of your own and continue later, in this process or another, with
 * dbt_session_restore. The caller frees it with dbt_free. NULL when out of
 * memory. The state holds what the person answered in the current exercise
 * and the session's safety plan, if it has one (dbt_session_set_plan): keep
 * it no longer than the session, unless the person agreed to keep the plan.
 */
DBT_API char *dbt_session_save(const dbt_session *session);

/*
 * A session continued from a document made by dbt_session_save. The document
 * is validated against `engine`: an unknown skill or step, wrong types, or a
 * newer version gives NULL and a clear `err`.
 */
DBT_API dbt_session *dbt_session_restore(const dbt_engine *engine, const char *json,
                                         dbt_error *err);

/*
 * Authoring tools: views of the loaded scripts for `dbtcoach graph` and
 * `dbtcoach test --coverage`, or any tool of your own. A chat front end does
 * not need them.
 */

/*
 * The steps and transitions of skill `skill_id` as a Graphviz DOT document
 * (render it with `dot -Tsvg`). The caller frees it with dbt_free. NULL when
 * there is no such skill or memory ran out.
 */
DBT_API char *dbt_engine_dot(const dbt_engine *engine, const char *skill_id);

/* What a part of the scripts is (see dbt_part). */
typedef enum dbt_part_kind {
    DBT_PART_STEP = 0, /* a step of a skill */
    DBT_PART_RULE,     /* a rule of a step, or a skill-wide rule of a skill */
    DBT_PART_TRIGGER   /* a trigger that starts a skill */
} dbt_part_kind;

/*
 * One part of the scripts a conversation can reach: each step and each rule
 * and trigger of each skill. Strings belong to the engine and live as long
 * as it does.
 */
typedef struct dbt_part {
    dbt_part_kind kind;
    const char *skill; /* the id of the skill it belongs to */
    const char *step;  /* the step's id: the step itself, or the step a rule belongs to;
                          NULL for a trigger or a skill-wide rule */
    const char *file;  /* the script it was written in */
    int line, column;  /* where, counting from 1 */
    const char *label; /* a short name: a step's id; a rule's first example, else its first
                          pattern as written, else "(any input)" */
} dbt_part;

/*
 * The parts, in a fixed order: skill by skill in load order, and in each
 * skill its triggers, then every step followed by its rules, then its
 * skill-wide rules. Index from 0 to count-1. dbt_engine_part fills `out` and
 * returns 0, or returns -1 past the end.
 */
DBT_API size_t dbt_engine_part_count(const dbt_engine *engine);
DBT_API int dbt_engine_part(const dbt_engine *engine, size_t index, dbt_part *out);

/*
 * Be told of the session's path through the scripts: `fn` is called with
 * `user` and a part index (as for dbt_engine_part) each time a step is
 * entered and each time a rule or trigger fires, during dbt_session_start,
 * dbt_session_turn and dbt_session_jump. Commands, routes and the crisis
 * screen are no parts and are not reported. `fn` must not call back into the
 * session. NULL `fn` turns it off. The library keeps `user` until then.
 */
typedef void (*dbt_trace_fn)(void *user, size_t part);
DBT_API void dbt_session_set_trace(dbt_session *session, dbt_trace_fn fn, void *user);

/* Free memory the library handed to the caller (dbt_session_save,
 * dbt_engine_dot). */
DBT_API void dbt_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
