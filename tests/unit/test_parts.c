/*
 * test_parts.c - the authoring views of the public API on the fixture: the
 * parts of the scripts in their order, the session trace that reports them,
 * and a skill as Graphviz DOT.
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
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    dbt_engine_free(f->e);
    fx_rm(f->dir);
    free(f);
    return 0;
}

#define E(state) (((fx *)*(state))->e)

/* The index of the part of `kind` labelled `label`, or the part count. */
static size_t find(const dbt_engine *e, dbt_part_kind kind, const char *label)
{
    dbt_part p;
    size_t i = 0;
    for (; dbt_engine_part(e, i, &p) == 0; i++)
        if (p.kind == kind && !strcmp(p.label, label))
            break;
    return i;
}

/* The fixture's demo skill: six steps, three step rules, in file order. */
static void test_parts_in_order(void **state)
{
    const dbt_engine *e = E(state);
    size_t n = dbt_engine_part_count(e);
    assert_int_equal(n, 9);
    static const struct {
        dbt_part_kind kind;
        const char *step, *label;
    } want[] = {
        {DBT_PART_STEP, "start", "start"},  {DBT_PART_RULE, "start", "7"},
        {DBT_PART_STEP, "name", "name"},    {DBT_PART_RULE, "name", "i want to yell at my boss"},
        {DBT_PART_STEP, "check", "check"},  {DBT_PART_STEP, "high", "high"},
        {DBT_PART_STEP, "low", "low"},      {DBT_PART_STEP, "breathe", "breathe"},
        {DBT_PART_RULE, "breathe", "done"},
    };
    for (size_t i = 0; i < n; i++) {
        dbt_part p;
        assert_int_equal(dbt_engine_part(e, i, &p), 0);
        assert_int_equal(p.kind, want[i].kind);
        assert_string_equal(p.skill, "demo");
        assert_string_equal(p.step, want[i].step);
        assert_string_equal(p.label, want[i].label);
        assert_non_null(strstr(p.file, "demo.yaml"));
        assert_true(p.line > 0 && p.column > 0);
    }
    dbt_part p;
    assert_int_equal(dbt_engine_part(e, n, &p), -1);
    assert_int_equal(dbt_engine_part(NULL, 0, &p), -1);
    assert_int_equal(dbt_engine_part(e, 0, NULL), -1);
    assert_int_equal(dbt_engine_part_count(NULL), 0);
}

static void reached(void *user, size_t part) { ((unsigned char *)user)[part]++; }

/* The trace reports the steps entered and the rules that fired, by the same
 * index as dbt_engine_part, and nothing once turned off. */
static void test_trace(void **state)
{
    const dbt_engine *e = E(state);
    size_t n = dbt_engine_part_count(e);
    unsigned char *hit = calloc(n, 1);
    dbt_session *s = dbt_session_new(e, "US");
    dbt_session_set_trace(s, reached, hit);
    dbt_session_start(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(hit[i], 0);
    assert_non_null(dbt_session_jump(s, "demo", NULL));
    dbt_session_turn(s, "7");
    dbt_session_turn(s, "help now"); /* a command: no part */
    assert_int_equal(hit[find(e, DBT_PART_STEP, "start")], 1);
    assert_int_equal(hit[find(e, DBT_PART_RULE, "7")], 1);
    assert_int_equal(hit[find(e, DBT_PART_STEP, "name")], 1);
    assert_int_equal(hit[find(e, DBT_PART_STEP, "low")], 0);
    dbt_session_turn(s, "i want to yell at my boss");
    assert_int_equal(hit[find(e, DBT_PART_RULE, "i want to yell at my boss")], 1);
    assert_int_equal(hit[find(e, DBT_PART_STEP, "check")], 1);
    assert_int_equal(hit[find(e, DBT_PART_STEP, "low")], 1);
    assert_int_equal(hit[find(e, DBT_PART_STEP, "high")], 0);
    dbt_session_set_trace(s, NULL, NULL);
    memset(hit, 0, n);
    dbt_session_jump(s, "demo", "breathe");
    dbt_session_turn(s, "done");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(hit[i], 0);
    dbt_session_set_trace(NULL, reached, hit);
    dbt_session_free(s);
    free(hit);
}

static void test_dot(void **state)
{
    const dbt_engine *e = E(state);
    char *dot = dbt_engine_dot(e, "demo");
    assert_non_null(dot);
    assert_true(!strncmp(dot, "digraph \"demo\" {\n", 17));
    assert_non_null(strstr(dot, "\"start\" -> \"name\" [label=\"'7'\"];\n"));
    assert_non_null(strstr(dot, "\"check\" -> \"high\" [style=bold, label=\"before >= 8\"];\n"));
    assert_int_equal(dot[strlen(dot) - 2], '}');
    dbt_free(dot);
    assert_null(dbt_engine_dot(e, "nope"));
    assert_null(dbt_engine_dot(e, NULL));
    assert_null(dbt_engine_dot(NULL, "demo"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_parts_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dot, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
