/*
 * test_threads.c - one engine shared by many threads: 8 threads with 200
 * sessions each walk scripted conversations (a skill, a save and restore
 * half way, a crisis message, commands) turn by turn, and every reply must
 * be the same as in a reference run made on one thread. Run it under
 * ThreadSanitizer as well as plainly.
 *
 * The skills come from $DBTCOACH_SKILLS, else "skills".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbtcoach.h"
#include "fixture.h"

enum { THREADS = 8, SESSIONS = 200, MAX_TURNS = 32 };

/* A turn of a script: text to say, or one of these. */
#define SAVE_RESTORE "\x01save-restore"

static const char *const script_stop[] = {
    "I want to practice the STOP skill",
    "honestly like an 8",
    "I want to send my ex a nasty text",
    SAVE_RESTORE,
    "ok",
    "done",
    "I want to kill myself",
    "breathe with me",
    "done",
    "menu",
    "what is DEAR MAN?",
    "quit",
    NULL,
};

static const char *const script_tipp[] = {
    "I feel so angry I could scream",
    "menu",
    "I want to practice TIPP",
    "9",
    SAVE_RESTORE,
    "I'm going to end my life",
    "STOP skill",
    "6",
    "back",
    "skip",
    "help now",
    "quit",
    NULL,
};

static const char *const script_misc[] = {
    "hi",
    "what is wise mind?",
    "",
    "\xff\xfe invalid bytes \x1b[31m and an escape",
    "I've been saving up my pills",
    SAVE_RESTORE,
    "menu",
    "I want to try DEAR MAN",
    "my roommate never does the dishes",
    "stop",
    "this traffic is killing me",
    "quit",
    NULL,
};

static const char *const *const scripts[] = {script_stop, script_tipp, script_misc};
static const char *const regions[] = {"US", "GB", "AU", NULL, "de"};
enum {
    NSCRIPTS = sizeof scripts / sizeof scripts[0],
    NREGIONS = sizeof regions / sizeof regions[0],
    NVARIANTS = NSCRIPTS * NREGIONS,
};

/* A reply copied out of the session, to compare later. */
typedef struct snap {
    char *text, *category, *skill, *step;
    char **choices;
    size_t n_choices;
    int crisis, ended;
    dbt_timer timer;
} snap;

typedef struct reference {
    snap turns[MAX_TURNS + 1]; /* [0] is the greeting */
    int n;
} reference;

static dbt_engine *engine;
static reference refs[NVARIANTS];

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void take(snap *d, const dbt_reply *r)
{
    d->text = strdup(r->text);
    d->category = dup_or_null(r->category);
    d->skill = dup_or_null(r->skill);
    d->step = dup_or_null(r->step);
    d->n_choices = r->n_choices;
    d->choices = calloc(r->n_choices + 1, sizeof *d->choices);
    for (size_t i = 0; i < r->n_choices; i++)
        d->choices[i] = strdup(r->choices[i]);
    d->crisis = r->crisis;
    d->ended = r->ended;
    d->timer = r->timer;
}

static void drop_snap(snap *d)
{
    free(d->text);
    free(d->category);
    free(d->skill);
    free(d->step);
    for (size_t i = 0; i < d->n_choices; i++)
        free(d->choices[i]);
    free(d->choices);
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* NULL when the reply is the one expected, else what differs. */
static const char *differs(const snap *want, const dbt_reply *r)
{
    if (!r)
        return "no reply";
    if (!same_str(want->text, r->text))
        return "text";
    if (!!want->crisis != !!r->crisis)
        return "crisis";
    if (!same_str(want->category, r->category))
        return "category";
    if (!same_str(want->skill, r->skill))
        return "skill";
    if (!same_str(want->step, r->step))
        return "step";
    if (!!want->ended != !!r->ended)
        return "ended";
    if (memcmp(&want->timer, &r->timer, sizeof r->timer))
        return "timer";
    if (want->n_choices != r->n_choices)
        return "number of choices";
    for (size_t i = 0; i < r->n_choices; i++)
        if (!same_str(want->choices[i], r->choices[i]))
            return "choices";
    return NULL;
}

/* Save, free and restore: the session continues from its saved state. */
static dbt_session *save_restore(dbt_session *s)
{
    char *state = dbt_session_save(s);
    if (!state)
        return NULL;
    dbt_error err;
    dbt_session *t = dbt_session_restore(engine, state, &err);
    dbt_free(state);
    if (t)
        dbt_session_free(s);
    return t;
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    engine = fx_load(dir && *dir ? dir : "skills", &err);
    if (!engine) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int v = 0; v < NVARIANTS; v++)
        for (int i = 0; i < refs[v].n; i++)
            drop_snap(&refs[v].turns[i]);
    dbt_engine_free(engine);
    return 0;
}

/* The reference: every script in every region, one session at a time. */
static void test_reference(void **state)
{
    (void)state;
    for (int v = 0; v < NVARIANTS; v++) {
        const char *const *script = scripts[v % NSCRIPTS];
        reference *ref = &refs[v];
        dbt_session *s = dbt_session_new(engine, regions[v / NSCRIPTS]);
        assert_non_null(s);
        take(&ref->turns[ref->n++], dbt_session_start(s));
        int crises = 0;
        for (int i = 0; script[i]; i++) {
            if (!strcmp(script[i], SAVE_RESTORE)) {
                s = save_restore(s);
                assert_non_null(s);
                continue;
            }
            assert_true(ref->n <= MAX_TURNS);
            const dbt_reply *r = dbt_session_turn(s, script[i]);
            assert_non_null(r);
            crises += !!r->crisis;
            take(&ref->turns[ref->n++], r);
        }
        /* every script has a crisis message, and ends with "quit" */
        assert_true(crises >= 1);
        assert_true(ref->turns[ref->n - 1].ended);
        dbt_session_free(s);
    }
}

typedef struct worker {
    int index;
    int failures;
    char first[512];
} worker;

static void mismatch(worker *w, int session, int turn, const char *what)
{
    if (!w->failures++)
        snprintf(w->first, sizeof w->first, "thread %d, session %d, turn %d: %s differs", w->index,
                 session, turn, what);
}

/*
 * Each thread keeps its 200 sessions alive at once and moves them forward one
 * turn each, round robin; after a round, every session's last reply must
 * still be intact (a reply lives until the next call on its own session).
 */
static void *work(void *arg)
{
    worker *w = arg;
    dbt_session *s[SESSIONS];
    const dbt_reply *last[SESSIONS];
    int pos[SESSIONS], got[SESSIONS], variant[SESSIONS];
    for (int k = 0; k < SESSIONS; k++) {
        variant[k] = (w->index * SESSIONS + k) % NVARIANTS;
        s[k] = dbt_session_new(engine, regions[variant[k] / NSCRIPTS]);
        if (!s[k]) {
            mismatch(w, k, 0, "a new session (out of memory)");
            for (int j = 0; j < k; j++)
                dbt_session_free(s[j]);
            return NULL;
        }
        last[k] = dbt_session_start(s[k]);
        pos[k] = 0;
        got[k] = 1;
        const char *d = differs(&refs[variant[k]].turns[0], last[k]);
        if (d)
            mismatch(w, k, 0, d);
    }
    for (int live = SESSIONS; live > 0;) {
        live = 0;
        for (int k = 0; k < SESSIONS; k++) {
            const char *const *script = scripts[variant[k] % NSCRIPTS];
            if (!script[pos[k]])
                continue;
            live++;
            const char *say = script[pos[k]++];
            if (!strcmp(say, SAVE_RESTORE)) {
                dbt_session *t = save_restore(s[k]);
                if (!t) {
                    mismatch(w, k, got[k], "save and restore");
                    while (script[pos[k]]) /* stop this session, keep the old one */
                        pos[k]++;
                    last[k] = NULL;
                    continue;
                }
                s[k] = t;
                last[k] = NULL; /* freed with the old session */
                continue;
            }
            last[k] = dbt_session_turn(s[k], say);
            const char *d = differs(&refs[variant[k]].turns[got[k]], last[k]);
            if (d)
                mismatch(w, k, got[k], d);
            got[k]++;
        }
        for (int k = 0; k < SESSIONS; k++) {
            if (!last[k])
                continue;
            const char *d = differs(&refs[variant[k]].turns[got[k] - 1], last[k]);
            if (d)
                mismatch(w, k, got[k] - 1, "a reply changed by another session's turn:");
        }
    }
    for (int k = 0; k < SESSIONS; k++) {
        if (got[k] != refs[variant[k]].n)
            mismatch(w, k, got[k], "the number of replies");
        dbt_session_free(s[k]);
    }
    return NULL;
}

static void test_threads_match_reference(void **state)
{
    (void)state;
    assert_int_equal(refs[0].n > 0, 1); /* test_reference ran first */
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.index = i};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        if (w[i].failures)
            fprintf(stderr, "%s (%d failures in this thread)\n", w[i].first, w[i].failures);
        failures += w[i].failures;
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_threads_match_reference),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
