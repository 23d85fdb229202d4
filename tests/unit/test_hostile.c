/*
 * test_hostile.c - the hostile-input table: whatever a person types, an
 * author writes or a front end sends, the coach answers sensibly, never
 * crashes or hangs, and never passes control sequences into a reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <time.h>

#include "dbtcoach.h"
#include "fixture.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A bound that only a hang could pass: these tests are about never hanging,
 * not about speed (that is what make bench measures). */
static double hang_bound(void)
{
    const char *v = getenv("DBTCOACH_NO_JIT"); /* set under valgrind */
    return v && *v ? 600.0 : 60.0;
}

static dbt_engine *shipped(void)
{
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    dbt_engine *e = fx_load(dir && *dir ? dir : "skills", &err);
    if (!e)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    return e;
}

/* A reply is valid UTF-8 with no control characters but newlines. */
static void assert_clean_reply(const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    while (*p) {
        if (*p < 0x20 && *p != '\n')
            fail_msg("control byte 0x%02x in reply: %s", *p, t);
        if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xAE || p[2] == 0xAD || p[2] == 0x8B))
            fail_msg("bidi override or zero-width character in reply: %s", t);
        int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
        if (!n)
            fail_msg("invalid UTF-8 in reply: %s", t);
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                fail_msg("invalid UTF-8 in reply: %s", t);
        p += n;
    }
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    dbt_engine *e = shipped();
    dbt_session *s = dbt_session_new(e, "US");
    const dbt_reply *r = dbt_session_turn(s, "\xff\xfe I want to die \xc3");
    assert_true(r->crisis);
    assert_clean_reply(r->text);
    dbt_session_jump(s, "stop", "urge");
    r = dbt_session_turn(s, "scream at \xed\xa0\x80 my \xf8\x88\x80\x80\x80 boss");
    assert_clean_reply(r->text);
    assert_string_equal(r->step, "stop");
    dbt_session_free(s);
    dbt_engine_free(e);
}

static void test_escapes_and_bidi_never_reach_a_reply(void **state)
{
    (void)state;
    dbt_engine *e = shipped();
    dbt_session *s = dbt_session_new(e, "US");
    dbt_session_jump(s, "stop", "urge");
    /* the urge is reflected back in the next step: nothing hostile survives */
    const dbt_reply *r = dbt_session_turn(s, "\033]0;owned\007\033[31mtext \xe2\x80\xae"
                                             "him\033[0m back \x1b[2J\xc2\x9b"
                                             "2J now");
    assert_clean_reply(r->text);
    assert_non_null(strstr(r->text, "text him back now"));
    dbt_session_free(s);
    dbt_engine_free(e);
}

static void test_megabyte_line(void **state)
{
    (void)state;
    dbt_engine *e = shipped();
    dbt_session *s = dbt_session_new(e, "US");
    static char big[1 << 20];
    for (size_t i = 0; i + 1 < sizeof big; i++)
        big[i] = "ab \xc3\xa9"[i % 5];
    double t0 = now();
    const dbt_reply *r = dbt_session_turn(s, big);
    assert_true(now() - t0 < hang_bound());
    assert_non_null(strstr(r->text, "a lot to take in"));
    assert_clean_reply(r->text);
    dbt_session_free(s);
    dbt_engine_free(e);
}

static void test_catastrophic_pattern_still_answers(void **state)
{
    (void)state;
    char *d = fx_dir();
    fx_write(d, "dt/slow.yaml",
             "id: slow\ntitle: Slow\nmodule: mindfulness\nsummary: s\n"
             "steps:\n  start:\n    say: Go on.\n    rules:\n"
             "      - match: '^(\\w+\\s?)+$'\n        end: true\n"
             "    fallback: Tell me more.\n");
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    assert_non_null(e);
    dbt_session *s = dbt_session_new(e, "US");
    dbt_session_jump(s, "slow", NULL);
    char in[200];
    memset(in, 'a', sizeof in - 2);
    in[sizeof in - 2] = '!';
    in[sizeof in - 1] = '\0';
    double t0 = now();
    const dbt_reply *r = dbt_session_turn(s, in);
    assert_true(now() - t0 < hang_bound()); /* bounded by the match limits */
    assert_string_equal(r->text, "Tell me more.");
    dbt_session_free(s);
    dbt_engine_free(e);
    fx_rm(d);
}

static void expect_load_error(const char *name, const char *text, size_t len, const char *msg)
{
    char *d = fx_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/%s", d, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, len, f);
    fclose(f);
    dbt_error err;
    double t0 = now();
    dbt_engine *e = fx_load(d, &err);
    assert_true(now() - t0 < hang_bound());
    if (e)
        fail_msg("loaded %s", name);
    if (!strstr(err.message, msg))
        fail_msg("'%s' lacks '%s'", err.message, msg);
    fx_rm(d);
}

static void test_yaml_alias_bomb(void **state)
{
    (void)state;
    const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
    expect_load_error("dt/bomb.yaml", bomb, strlen(bomb), "anchors");
}

static void test_deep_nesting_and_huge_file(void **state)
{
    (void)state;
    size_t n = 100000;
    char *deep = malloc(n * 2 + 10);
    strcpy(deep, "a: ");
    memset(deep + 3, '[', n);
    deep[n + 3] = '\0';
    expect_load_error("dt/deep.yaml", deep, strlen(deep), "nested too deeply");
    free(deep);
    size_t big = 17u << 20; /* over the 16 MiB limit */
    char *huge = malloc(big);
    memset(huge, '#', big);
    for (size_t i = 80; i < big; i += 81)
        huge[i] = '\n';
    expect_load_error("dt/huge.yaml", huge, big, "file too large");
    free(huge);
    /* many nodes in a file under the size limit */
    size_t m = 1400000 * 4;
    char *wide = malloc(m + 16);
    strcpy(wide, "a: [");
    size_t k = 4;
    while (k + 4 < m) {
        memcpy(wide + k, "1, ", 3);
        k += 3;
    }
    strcpy(wide + k, "1]\n");
    expect_load_error("dt/wide.yaml", wide, strlen(wide), "too many YAML nodes");
    free(wide);
}

static void test_goto_cycle_is_cut(void **state)
{
    (void)state;
    char *d = fx_dir();
    fx_write(d, "dt/loop.yaml",
             "id: loop\ntitle: Loop\nmodule: mindfulness\nsummary: s\n"
             "steps:\n  start:\n    say: Ready?\n    rules:\n      - match: go\n        goto: a\n"
             "  a:\n    branch:\n      - goto: b\n"
             "  b:\n    say: round\n    branch:\n      - goto: a\n");
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    assert_non_null(e);
    dbt_session *s = dbt_session_new(e, "US");
    dbt_session_jump(s, "loop", NULL);
    const dbt_reply *r = dbt_session_turn(s, "go");
    assert_non_null(r);
    assert_null(r->skill); /* cut, and back with the coach */
    r = dbt_session_turn(s, "hello");
    assert_non_null(r->text);
    dbt_session_free(s);
    dbt_engine_free(e);
    fx_rm(d);
}

static void test_truncated_and_tampered_state(void **state)
{
    (void)state;
    dbt_engine *e = shipped();
    dbt_session *s = dbt_session_new(e, "GB");
    dbt_session_turn(s, "stop skill");
    dbt_session_turn(s, "7");
    dbt_session_turn(s, "text him");
    char *js = dbt_session_save(s);
    assert_non_null(js);
    size_t n = strlen(js);
    /* every truncation is refused cleanly */
    for (size_t cut = 0; cut < n; cut++) {
        char *t = strndup(js, cut);
        dbt_error err;
        dbt_session *r = dbt_session_restore(e, t, &err);
        if (r)
            fail_msg("restored a truncated state: %s", t);
        assert_int_equal(err.status, DBT_ERR_STATE);
        free(t);
    }
    /* every single-byte change either restores to a working session or is refused */
    for (size_t i = 0; i < n; i++) {
        char *t = strdup(js);
        t[i] = (char)(t[i] ^ 0x20);
        dbt_error err;
        dbt_session *r = dbt_session_restore(e, t, &err);
        if (r) {
            const dbt_reply *rep = dbt_session_turn(r, "ok");
            assert_non_null(rep->text);
            dbt_session_free(r);
        } else {
            assert_int_equal(err.status, DBT_ERR_STATE);
            assert_true(strlen(err.message) > 0);
        }
        free(t);
    }
    static const char *const bad[] = {
        "{\"v\":1,\"mode\":\"coach\",\"n\":-5}",
        "{\"v\":1,\"mode\":\"coach\",\"vars\":{\"x\":\"" /* a long value is cut, not refused */
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}",
        "{\"v\":1,\"mode\":\"followup\",\"crisis\":\"nope\"}",
        "{\"v\":1,\"mode\":\"coach\",\"history\":[[\"stop\",\"start\"],[1,2]]}",
        "{\"v\":1,\"mode\":\"coach\",\"v\":2}",
        "{\"v\":1e300,\"mode\":\"coach\"}",
        "null",
        "\"text\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dbt_error err;
        dbt_session *r = dbt_session_restore(e, bad[i], &err);
        if (r) {
            assert_non_null(dbt_session_turn(r, "hi")->text);
            dbt_session_free(r);
        }
    }
    dbt_free(js);
    dbt_session_free(s);
    dbt_engine_free(e);
}

static void test_random_bytes_everywhere(void **state)
{
    (void)state;
    dbt_engine *e = shipped();
    dbt_session *s = dbt_session_new(e, "US");
    unsigned seed = 12345;
    char buf[300];
    for (int t = 0; t < 3000; t++) {
        if (t % 50 == 0) {
            dbt_skill_info si;
            dbt_engine_skill_info(e, (size_t)(t / 50) % dbt_engine_skill_count(e), &si);
            dbt_session_jump(s, si.id, NULL);
        }
        size_t n = (seed = seed * 1103515245u + 12345u) % (sizeof buf - 1);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)(seed >> 16);
            if (!buf[i])
                buf[i] = ' ';
        }
        buf[n] = '\0';
        const dbt_reply *r = dbt_session_turn(s, buf);
        assert_non_null(r->text);
        assert_clean_reply(r->text);
    }
    dbt_session_free(s);
    dbt_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_escapes_and_bidi_never_reach_a_reply),
        cmocka_unit_test(test_megabyte_line),
        cmocka_unit_test(test_catastrophic_pattern_still_answers),
        cmocka_unit_test(test_yaml_alias_bomb),
        cmocka_unit_test(test_deep_nesting_and_huge_file),
        cmocka_unit_test(test_goto_cycle_is_cut),
        cmocka_unit_test(test_truncated_and_tampered_state),
        cmocka_unit_test(test_random_bytes_everywhere),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
