/*
 * test_tiers.c - the two tiers of the crisis screen on a small fixture: a
 * warning sign asks and pauses the exercise, the answer decides; a crisis
 * language file answers in its own language with the person's lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dbtcoach.h"
#include "fixture.h"

static const char crisis_two_tiers[] = "categories:\n"
                                       "  - id: suicide\n"
                                       "    patterns:\n"
                                       "      - match: '\\b(?:kill myself|want to die)\\b'\n"
                                       "        examples: [I want to die]\n"
                                       "    say: That sounds serious. {hotline}\n"
                                       "  - id: suicide-indirect\n"
                                       "    tier: warning\n"
                                       "    patterns:\n"
                                       "      - match: '\\b(?:a burden|better off without me)\\b'\n"
                                       "        examples: [I am a burden]\n"
                                       "    say: Are you thinking about suicide? {hotline}\n"
                                       "followup:\n"
                                       "  choices: [menu]\n"
                                       "  fallback: Help is there.\n"
                                       "checkin:\n"
                                       "  choices: ['yes', 'no']\n"
                                       "  yes: ['^(?:yes|maybe)\\b']\n"
                                       "  no: ['^(?:no|not sure)\\b']\n"
                                       "  no_say: Thank you for answering.\n"
                                       "  again: Are you having thoughts of suicide?\n";

static const char crisis_es[] = "language: es\n"
                                "name: Español\n"
                                "labels: {call: llama al, chat: chat en, or: o, emergency: "
                                "Emergencias}\n"
                                "categories:\n"
                                "  - id: suicide\n"
                                "    patterns:\n"
                                "      - match: '\\bquiero morir\\b'\n"
                                "        examples: [quiero morir]\n"
                                "    say: Suena muy serio. {hotline}\n";

typedef struct fx {
    char *dir;
    dbt_engine *e;
    dbt_session *s;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->dir = fx_dir();
    fx_write(f->dir, "crisis.yaml", crisis_two_tiers);
    fx_write(f->dir, "crisis.es.yaml", crisis_es);
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

#define F(state)     ((fx *)*(state))
#define HAS(r, want) assert_non_null(strstr((r)->text, (want)))

/* Into the demo skill, at its second step. */
static void into_demo(dbt_session *s) { dbt_session_jump(s, "demo", "name"); }

static void test_warning_pauses_and_no_resumes(void **state)
{
    dbt_session *s = F(state)->s;
    into_demo(s);
    const dbt_reply *r = dbt_session_turn(s, "honestly I am a burden");
    assert_true(r->crisis);
    assert_string_equal(r->tier, "warning");
    assert_string_equal(r->category, "suicide-indirect");
    assert_null(r->skill);
    HAS(r, "Are you thinking about suicide?");
    HAS(r, "988");
    assert_int_equal(r->n_choices, 2);
    r = dbt_session_turn(s, "no");
    assert_false(r->crisis);
    assert_null(r->tier);
    HAS(r, "Thank you for answering.");
    HAS(r, "What is the urge?");
    assert_string_equal(r->skill, "demo");
    assert_string_equal(r->step, "name");
    r = dbt_session_turn(s, "i want to yell");
    HAS(r, "You want to yell.");
}

static void test_warning_yes_escalates(void **state)
{
    dbt_session *s = F(state)->s;
    into_demo(s);
    dbt_session_turn(s, "they are better off without me");
    const dbt_reply *r = dbt_session_turn(s, "maybe");
    assert_true(r->crisis);
    assert_string_equal(r->tier, "crisis");
    assert_string_equal(r->category, "suicide");
    HAS(r, "That sounds serious.");
    assert_null(r->skill);
}

static void test_warning_then_more_signs_escalates(void **state)
{
    dbt_session *s = F(state)->s;
    dbt_session_start(s);
    dbt_session_turn(s, "I am a burden");
    const dbt_reply *r = dbt_session_turn(s, "everyone is better off without me");
    assert_string_equal(r->tier, "crisis");
    assert_string_equal(r->category, "suicide");
}

static void test_unclear_answer_asked_again_once(void **state)
{
    dbt_session *s = F(state)->s;
    into_demo(s);
    dbt_session_turn(s, "I am a burden");
    const dbt_reply *r = dbt_session_turn(s, "what?");
    assert_false(r->crisis);
    HAS(r, "Are you having thoughts of suicide?");
    r = dbt_session_turn(s, "i want to run");
    assert_false(r->crisis);
    HAS(r, "You want to run."); /* the step's rule, as if no question had been asked */
}

static void test_checkin_survives_save_restore(void **state)
{
    dbt_session *s = F(state)->s;
    into_demo(s);
    dbt_session_turn(s, "I am a burden");
    char *js = dbt_session_save(s);
    assert_non_null(js);
    assert_non_null(strstr(js, "\"checkin\""));
    dbt_error err;
    dbt_session *t = dbt_session_restore(F(state)->e, js, &err);
    dbt_free(js);
    assert_non_null(t);
    const dbt_reply *r = dbt_session_turn(t, "no");
    HAS(r, "Thank you for answering.");
    assert_string_equal(r->step, "name");
    dbt_session_free(t);
}

static void test_language_file_answers_in_its_language(void **state)
{
    dbt_session *s = F(state)->s;
    dbt_session_start(s);
    const dbt_reply *r = dbt_session_turn(s, "ya no puedo mas, quiero morir");
    assert_true(r->crisis);
    assert_string_equal(r->category, "suicide");
    assert_string_equal(r->tier, "crisis");
    HAS(r, "Suena muy serio.");
    HAS(r, "llama al 988");
    HAS(r, "Emergencias (United States): 911");
    /* English is still English. */
    r = dbt_session_turn(s, "I want to die");
    HAS(r, "That sounds serious.");
    HAS(r, "call 988");
}

static void test_language_file_errors(void **state)
{
    (void)state;
    char *dir = fx_dir();
    fx_write(dir, "crisis.fr.yaml",
             "language: es\nname: x\nlabels: {call: a, chat: b, or: c, emergency: d}\n"
             "categories:\n  - id: nonsense\n    patterns: [{match: x, examples: [x]}]\n"
             "    say: x\n");
    dbt_error err;
    dbt_engine *e = fx_load(dir, &err);
    assert_null(e);
    assert_non_null(strstr(err.file, "crisis.fr.yaml"));
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "'language' is 'es' but the file is for 'fr'"));
    fx_rm(dir);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_warning_pauses_and_no_resumes),       T(test_warning_yes_escalates),
        T(test_warning_then_more_signs_escalates),   T(test_unclear_answer_asked_again_once),
        T(test_checkin_survives_save_restore),       T(test_language_file_answers_in_its_language),
        cmocka_unit_test(test_language_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
