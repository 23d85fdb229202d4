/*
 * test_alloc.c - allocation failure: fail the k-th allocation, for every k,
 * through a load, a conversation and a restore; every case must end in a
 * clean error or a normal answer, with nothing leaked.
 *
 * This program replaces malloc and friends (over glibc's own) so that the
 * libraries the engine uses fail too. It cannot run under AddressSanitizer
 * or valgrind, which replace them as well; there it says so and passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>

#include "dbtcoach.h"
#include "fixture.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NO_WRAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NO_WRAP 1
#endif
#endif

#ifndef NO_WRAP
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

extern _Thread_local int dbt__in_jit;

static int active;          /* count and track allocations */
static long calls, fail_at; /* fail the fail_at-th call (1-based); 0: never */
static long live;           /* tracked allocations not yet freed */

/* Pointers allocated while active, so that leaks can be counted exactly. */
enum { SLOTS = 1 << 20 };
static uintptr_t table[SLOTS];
#define TOMB ((uintptr_t)1)

static size_t slot_of(uintptr_t p) { return (size_t)((p >> 4) * 2654435761u) & (SLOTS - 1); }

static void track(void *p)
{
    if (!p)
        return;
    size_t i = slot_of((uintptr_t)p);
    while (table[i] && table[i] != TOMB)
        i = (i + 1) & (SLOTS - 1);
    table[i] = (uintptr_t)p;
    live++;
}

static void untrack(void *p)
{
    if (!p)
        return;
    size_t i = slot_of((uintptr_t)p);
    while (table[i]) {
        if (table[i] == (uintptr_t)p) {
            table[i] = TOMB;
            live--;
            return;
        }
        i = (i + 1) & (SLOTS - 1);
    }
}

static int should_fail(void) { return active && !dbt__in_jit && ++calls == fail_at; }

void *malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __libc_malloc(n);
    if (active && !dbt__in_jit)
        track(p);
    return p;
}

void *calloc(size_t a, size_t b)
{
    if (should_fail())
        return NULL;
    void *p = __libc_calloc(a, b);
    if (active && !dbt__in_jit)
        track(p);
    return p;
}

void *realloc(void *old, size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __libc_realloc(old, n);
    if (p || !n) {
        untrack(old);
        if (active && p && !dbt__in_jit)
            track(p);
    }
    return p;
}

void free(void *p)
{
    untrack(p);
    __libc_free(p);
}

static void begin(long k)
{
    memset(table, 0, sizeof table);
    live = 0;
    calls = 0;
    fail_at = k;
    active = 1;
}

static long end(void)
{
    active = 0;
    return calls;
}

/* ---- the cases -------------------------------------------------------- */

static void test_load_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    char *d = fx_dir();
    /* A file larger than an arena block, so that big allocations fail too. */
    static char big[40000];
    size_t n = (size_t)snprintf(big, sizeof big, "%s", "# ");
    while (n < sizeof big - 200)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s", "padding padding padding\n# ");
    snprintf(big + n, sizeof big - n,
             "\nid: big\ntitle: Big\nmodule: mindfulness\nsummary: s\n"
             "steps:\n  start:\n    say: Hi.\n    end: true\n");
    fx_write(d, "dt/big.yaml", big);
    dbt_error err;
    begin(0);
    dbt_engine *e = dbt_engine_load(d, &err);
    dbt_engine_free(e);
    long total = end();
    assert_non_null(e);
    assert_int_equal(live, 0);
    int failed = 0;
    for (long k = 1; k <= total; k++) {
        begin(k);
        e = dbt_engine_load(d, &err);
        dbt_engine_free(e);
        end();
        if (!e) {
            failed++;
            if (err.status != DBT_ERR_NOMEM && err.status != DBT_ERR_SCRIPT)
                fail_msg("allocation %ld: status %d, %s", k, err.status, err.message);
            if (!err.message[0])
                fail_msg("allocation %ld: an error with no message", k);
        }
        if (live != 0)
            fail_msg("allocation %ld of %ld failed: %ld allocations leaked", k, total, live);
    }
    printf("note: load of a small set: %ld allocations, each failed in turn (%d loads refused)\n",
           total, failed);
    fx_rm(d);
}

static void test_shipped_load_fails_cleanly(void **state)
{
    (void)state;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dir = dir && *dir ? dir : "skills";
    dbt_error err;
    begin(0);
    dbt_engine *e = dbt_engine_load(dir, &err);
    dbt_engine_free(e);
    long total = end();
    assert_non_null(e);
    long step = total / 400 + 1;
    for (long k = 1; k <= total; k += (k < 200 ? 1 : step)) {
        begin(k);
        e = dbt_engine_load(dir, &err);
        dbt_engine_free(e);
        end();
        if (live != 0)
            fail_msg("shipped load, allocation %ld of %ld failed: %ld leaked", k, total, live);
    }
    printf("note: load of the shipped skills: %ld allocations, sampled\n", total);
}

static const char *const conversation[] = {"hello",
                                           "I want to practice the STOP skill",
                                           "8",
                                           "I want to text my ex",
                                           "ok",
                                           "back",
                                           "skip",
                                           "done",
                                           "my chest is tight",
                                           "worse",
                                           "go for a walk",
                                           "4",
                                           "menu",
                                           "what is DEAR MAN?",
                                           "I want to kill myself",
                                           "breathe with me",
                                           "help now",
                                           "quit",
                                           NULL};

static void run_conversation(const dbt_engine *e)
{
    dbt_session *s = dbt_session_new(e, "GB");
    if (!s)
        return;
    const dbt_reply *r = dbt_session_start(s);
    assert_non_null(r->text);
    for (int i = 0; conversation[i]; i++) {
        r = dbt_session_turn(s, conversation[i]);
        assert_non_null(r);
        assert_non_null(r->text);
        if (i == 7) {
            char *js = dbt_session_save(s);
            dbt_error err;
            dbt_session *t = js ? dbt_session_restore(e, js, &err) : NULL;
            if (t)
                dbt_session_turn(t, "ok");
            dbt_session_free(t);
            dbt_free(js);
        }
    }
    dbt_session_free(s);
}

static void test_conversation_survives_every_failure(void **state)
{
    (void)state;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    dbt_engine *e = dbt_engine_load(dir && *dir ? dir : "skills", &err);
    assert_non_null(e);
    begin(0);
    run_conversation(e);
    long total = end();
    assert_int_equal(live, 0);
    for (long k = 1; k <= total; k++) {
        begin(k);
        run_conversation(e);
        end();
        if (live != 0)
            fail_msg("conversation, allocation %ld of %ld failed: %ld leaked", k, total, live);
    }
    printf("note: a conversation with save and restore: %ld allocations, each failed in turn\n",
           total);
    dbt_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_fails_cleanly_at_every_allocation),
        cmocka_unit_test(test_conversation_survives_every_failure),
        cmocka_unit_test(test_shipped_load_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
    printf("note: allocation-failure tests skipped under a sanitizer (it owns malloc)\n");
    printf("[  PASSED  ] 0 test(s).\n");
    return 0;
}
#endif
