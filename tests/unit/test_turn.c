/*
 * test_turn.c - the turn pipeline on a small fixture: crisis first in every
 * state, commands, rules, branches, templates, save and restore.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dbtcoach.h"
#include "fixture.h"

typedef struct fx {
    char *dir;
    dbt_engine *e;
    dbt_session *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = fx_dir();
    dbt_error err;
    f->e = fx_load(f->dir, &err);
    if (!f->e) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return -1;
    }
    f->s = dbt_session_new(f->e, "US");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    dbt_session_free(f->s);
    dbt_engine_free(f->e);
    fx_rm(f->dir);
    free(f);
    return 0;
}

#define S(state)     (((fx *)*(state))->s)
#define HAS(r, want) assert_non_null(strstr((r)->text, (want)))

static void test_greeting_includes_scope(void **state)
{
    const dbt_reply *r = dbt_session_start(S(state));
    assert_string_equal(r->text, "Hello. A practice aid, not therapy.");
    assert_false(r->crisis);
    assert_null(r->skill);
}

static void test_crisis_in_greeting(void **state)
{
    dbt_session_start(S(state));
    const dbt_reply *r = dbt_session_turn(S(state), "I want to die");
    assert_true(r->crisis);
    assert_string_equal(r->category, "suicide");
    HAS(r, "That sounds serious.");
    HAS(r, "988");
    HAS(r, "911");
    assert_int_equal(r->n_choices, 2);
    assert_string_equal(r->choices[0], "breathe");
}

static void test_crisis_mid_skill_stops_it(void **state)
{
    dbt_session *s = S(state);
    const dbt_reply *r = dbt_session_turn(s, "demo");
    assert_string_equal(r->skill, "demo");
    r = dbt_session_turn(s, "7");
    assert_string_equal(r->step, "name");
    r = dbt_session_turn(s, "i really want to die");
    assert_true(r->crisis);
    assert_null(r->skill);
    /* crisis language again gets the resources again */
    r = dbt_session_turn(s, "I want to die");
    assert_true(r->crisis);
    /* the follow-up offers grounding */
    r = dbt_session_turn(s, "breathe");
    assert_false(r->crisis);
    assert_string_equal(r->skill, "demo");
    assert_int_equal(r->timer.kind, DBT_TIMER_BREATHE);
    assert_int_equal(r->timer.breathe_out, 6);
}

static void test_crisis_beats_commands_and_rules(void **state)
{
    dbt_session *s = S(state);
    dbt_session_jump(s, "demo", NULL);
    /* "7" matches the step's rule, but the crisis screen runs first */
    const dbt_reply *r = dbt_session_turn(s, "7 i want to die");
    assert_true(r->crisis);
}

static void test_idiom_is_not_crisis(void **state)
{
    const dbt_reply *r = dbt_session_turn(S(state), "this traffic is killing me");
    assert_false(r->crisis);
    /* but an idiom does not excuse a real crisis elsewhere in the message */
    r = dbt_session_turn(S(state), "this traffic is killing me and I want to kill myself");
    assert_true(r->crisis);
}

static void test_walk_and_branch(void **state)
{
    dbt_session *s = S(state);
    dbt_session_start(s);
    const dbt_reply *r = dbt_session_turn(s, "Demo");
    HAS(r, "How strong");
    r = dbt_session_turn(s, "about a 9 I think");
    HAS(r, "What is the urge?");
    assert_int_equal(r->n_choices, 2);
    r = dbt_session_turn(s, "I want to yell at my boss");
    /* captured text is reflected in say, raw with {=name} */
    HAS(r, "You want to yell at your boss.");
    HAS(r, "High (9), yell at my boss.");
    assert_null(r->skill); /* an end step ends the skill */
}

static void test_low_branch(void **state)
{
    dbt_session *s = S(state);
    dbt_session_jump(s, "demo", NULL);
    dbt_session_turn(s, "3");
    const dbt_reply *r = dbt_session_turn(s, "i want to run");
    HAS(r, "Low (3).");
}

static void test_fallback_rotates(void **state)
{
    dbt_session *s = S(state);
    dbt_session_jump(s, "demo", NULL);
    const dbt_reply *r = dbt_session_turn(s, "banana");
    assert_string_equal(r->text, "A number please.");
    assert_string_equal(r->step, "start");
    dbt_session_jump(s, "demo", "name");
    r = dbt_session_turn(s, "banana"); /* no fallback, two choices: they are said */
    assert_string_equal(r->text, "You can say \"yell\" or \"run\".");
    dbt_session_jump(s, "demo", "breathe");
    r = dbt_session_turn(s, "banana");
    char first[200];
    snprintf(first, sizeof first, "%s", r->text);
    r = dbt_session_turn(s, "banana");
    assert_string_not_equal(first, r->text); /* coach-wide fallback variants rotate */
}

static void test_commands(void **state)
{
    dbt_session *s = S(state);
    const dbt_reply *r = dbt_session_turn(s, "menu");
    HAS(r, "Distress tolerance: Demo");
    r = dbt_session_turn(s, "what is demo?");
    HAS(r, "Demo is for testing.");
    HAS(r, "Type Demo to start it.");
    r = dbt_session_turn(s, "back");
    assert_string_equal(r->text, "Nothing to go back to.");
    dbt_session_jump(s, "demo", NULL);
    r = dbt_session_turn(s, "skip");
    assert_string_equal(r->step, "name");
    HAS(r, "Skipping.");
    r = dbt_session_turn(s, "back");
    assert_string_equal(r->step, "start");
    r = dbt_session_turn(s, "stop");
    HAS(r, "Stopped Demo.");
    assert_null(r->skill);
    r = dbt_session_turn(s, "help now");
    HAS(r, "988");
    assert_false(r->crisis);
    r = dbt_session_turn(s, "quit");
    assert_true(r->ended);
}

static void test_route_offers_choices(void **state)
{
    const dbt_reply *r = dbt_session_turn(S(state), "I am so angry");
    HAS(r, "Try Demo.");
    assert_int_equal(r->n_choices, 1);
    r = dbt_session_turn(S(state), "Demo");
    assert_string_equal(r->skill, "demo");
}

static void test_empty_and_long_input(void **state)
{
    dbt_session *s = S(state);
    dbt_session_jump(s, "demo", NULL);
    const dbt_reply *r = dbt_session_turn(s, "   ");
    HAS(r, "How strong");
    static char big[1 << 20];
    memset(big, 'x', sizeof big - 1);
    r = dbt_session_turn(s, big);
    assert_string_equal(r->text, "Too long.");
    assert_string_equal(r->step, "start");
    r = dbt_session_turn(s, NULL);
    assert_non_null(r);
}

static void test_long_input_still_screened(void **state)
{
    static char big[1 << 20];
    memset(big, 'x', sizeof big - 1);
    memcpy(big + 5000, " i want to die ", 15);
    const dbt_reply *r = dbt_session_turn(S(state), big);
    assert_true(r->crisis);
}

static void test_save_restore_continues(void **state)
{
    fx *f = *state;
    dbt_session *s = f->s;
    dbt_session_jump(s, "demo", NULL);
    dbt_session_turn(s, "9");
    char *js = dbt_session_save(s);
    assert_non_null(js);
    dbt_error err;
    dbt_session *t = dbt_session_restore(f->e, js, &err);
    assert_non_null(t);
    const dbt_reply *a = dbt_session_turn(s, "i want to shout");
    char copy[500];
    snprintf(copy, sizeof copy, "%s", a->text);
    const dbt_reply *b = dbt_session_turn(t, "i want to shout");
    assert_string_equal(copy, b->text);
    dbt_session_free(t);
    dbt_free(js);
}

/* The plan travels with saved state, so a front end that restores a
 * session every turn need not send it again. */
static void test_save_restore_keeps_plan(void **state)
{
    fx *f = *state;
    dbt_error err;
    char *bare = dbt_session_save(f->s);
    assert_null(strstr(bare, "\"plan\""));
    dbt_free(bare);
    assert_int_equal(dbt_session_set_plan(f->s,
                                          "{\"reasons\":[\"my dog Rufus\"],"
                                          "\"people\":[{\"name\":\"Sam\",\"phone\":\"0123\"}]}",
                                          &err),
                     DBT_OK);
    char *js = dbt_session_save(f->s);
    assert_non_null(strstr(js, "my dog Rufus"));
    dbt_session *t = dbt_session_restore(f->e, js, &err);
    assert_non_null(t);
    const dbt_reply *r = dbt_session_turn(t, "I want to die");
    assert_true(r->crisis);
    HAS(r, "my dog Rufus");
    HAS(r, "988");
    dbt_session_free(t);
    dbt_free(js);
}

/* A damaged plan in state is dropped; the rest of the state still loads. */
static void test_restore_drops_damaged_plan(void **state)
{
    fx *f = *state;
    const char *bad[] = {
        "{\"v\":1,\"mode\":\"coach\",\"plan\":\"x\"}",
        "{\"v\":1,\"mode\":\"coach\",\"plan\":{\"bogus\":[\"a\"]}}",
        "{\"v\":1,\"mode\":\"coach\",\"plan\":{\"reasons\":[1]}}",
        "{\"v\":1,\"mode\":\"coach\",\"plan\":{\"people\":[{\"name\":[]}]}}",
        "{\"v\":1,\"mode\":\"coach\",\"plan\":null}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        dbt_error err;
        dbt_session *t = dbt_session_restore(f->e, bad[i], &err);
        if (!t)
            fail_msg("did not restore %s", bad[i]);
        const dbt_reply *r = dbt_session_turn(t, "I want to die");
        assert_true(r->crisis);

        char *js = dbt_session_save(t);
        assert_null(strstr(js, "\"plan\""));
        dbt_free(js);
        dbt_session_free(t);
    }
    dbt_error err;
    dbt_session *t = dbt_session_restore(
        f->e, "{\"v\":1,\"mode\":\"coach\",\"plan\":{\"reasons\":[\"a\\u001b[31mb\"]}}", &err);
    assert_non_null(t);
    char *js = dbt_session_save(t);
    assert_null(strstr(js, "\\u001b"));
    dbt_free(js);
    dbt_session_free(t);
}

static void expect_restore_error(const dbt_engine *e, const char *js, const char *msg)
{
    dbt_error err;
    dbt_session *s = dbt_session_restore(e, js, &err);
    if (s)
        fail_msg("restored %s", js);
    assert_int_equal(err.status, DBT_ERR_STATE);
    if (!strstr(err.message, msg))
        fail_msg("'%s' lacks '%s'", err.message, msg);
}

static void test_restore_rejects_bad_state(void **state)
{
    fx *f = *state;
    expect_restore_error(f->e, "", "not valid JSON");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"sk", "not valid JSON");
    expect_restore_error(f->e, "[]", "object");
    expect_restore_error(f->e, "{\"v\":99,\"mode\":\"coach\"}", "newer version");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"skill\",\"skill\":\"nope\",\"step\":\"start\"}",
                         "does not have: nope");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"skill\",\"skill\":\"demo\",\"step\":\"x\"}",
                         "step this skill does not have");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"coach\",\"vars\":{\"a\":1}}",
                         "must be a string");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"coach\",\"n\":\"x\"}", "'n' must be a number");
    expect_restore_error(f->e, "{\"v\":\"1\",\"mode\":\"coach\"}", "version");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"dancing\"}", "unknown 'mode'");
    expect_restore_error(f->e, "{\"v\":1,\"mode\":\"coach\",\"stack\":[[\"demo\",\"gone\"]]}",
                         "'stack' names");
}

static void test_region_fallback(void **state)
{
    fx *f = *state;
    dbt_session *s = dbt_session_new(f->e, "ZZ");
    const dbt_reply *r = dbt_session_turn(s, "I want to die");
    HAS(r, "Directory");
    HAS(r, "your local emergency number");
    assert_string_equal(dbt_session_set_region(s, "us"), "US");
    dbt_session_free(s);
}

static void test_jump(void **state)
{
    assert_null(dbt_session_jump(S(state), "nope", NULL));
    assert_null(dbt_session_jump(S(state), "demo", "nope"));
    const dbt_reply *r = dbt_session_jump(S(state), "demo", "name");
    assert_string_equal(r->step, "name");
}

/* A comparison with a variable never set fails, rather than comparing with
 * the variable's name; a bare word no rule sets is a literal. */
static void test_conditions_with_unset_variables(void **state)
{
    (void)state;
    char *d = fx_dir();
    fx_write(d, "dt/cmp.yaml",
             "id: cmp\ntitle: Cmp\nmodule: mindfulness\nsummary: s\n"
             "steps:\n  start:\n    say: Number?\n    rules:\n"
             "      - match: '(?<n>\\d+)'\n        set: {after: '{n}'}\n        goto: check\n"
             "      - match: '(?<w>yes|no)'\n        set: {answer: '{w}'}\n        goto: word\n"
             "      - match: never\n        set: {before: '1'}\n        goto: check\n"
             "  check:\n    branch:\n      - if: after < before\n        goto: lower\n"
             "      - goto: other\n"
             "  word:\n    branch:\n      - if: answer == yes\n        goto: lower\n"
             "      - goto: other\n"
             "  lower:\n    say: lower\n    end: true\n"
             "  other:\n    say: other\n    end: true\n");
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    if (!e)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    dbt_session *s = dbt_session_new(e, "US");
    dbt_session_jump(s, "cmp", NULL);
    assert_string_equal(dbt_session_turn(s, "4")->text, "other");
    dbt_session_jump(s, "cmp", NULL);
    assert_string_equal(dbt_session_turn(s, "yes")->text, "lower");
    dbt_session_free(s);
    dbt_engine_free(e);
    fx_rm(d);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_greeting_includes_scope),
        T(test_crisis_in_greeting),
        T(test_crisis_mid_skill_stops_it),
        T(test_crisis_beats_commands_and_rules),
        T(test_idiom_is_not_crisis),
        T(test_walk_and_branch),
        T(test_low_branch),
        T(test_fallback_rotates),
        T(test_commands),
        T(test_route_offers_choices),
        T(test_empty_and_long_input),
        T(test_long_input_still_screened),
        T(test_save_restore_continues),
        T(test_restore_rejects_bad_state),
        T(test_save_restore_keeps_plan),
        T(test_restore_drops_damaged_plan),
        T(test_region_fallback),
        T(test_jump),
        cmocka_unit_test(test_conditions_with_unset_variables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
