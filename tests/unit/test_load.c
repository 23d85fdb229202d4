/*
 * test_load.c - the loader: a valid set loads; every kind of error is
 * reported with its file, line and column, and fails the whole load.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dbtcoach.h"
#include "fixture.h"

static void test_valid_set_loads(void **state)
{
    (void)state;
    char *d = fx_dir();
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    assert_non_null(e);
    assert_int_equal(err.status, DBT_OK);
    assert_int_equal(dbt_engine_skill_count(e), 1);
    dbt_skill_info si;
    assert_int_equal(dbt_engine_skill_info(e, 0, &si), 0);
    assert_string_equal(si.id, "demo");
    assert_string_equal(si.module, "distress-tolerance");
    assert_string_equal(dbt_engine_region(e, 0), "US");
    assert_null(dbt_engine_region(e, 2));
    dbt_engine_free(e);
    fx_rm(d);
}

/* Write `text` as `name` into a valid set, load it, and check the error. */
static void expect_error(const char *name, const char *text, int line, int col, const char *msg)
{
    char *d = fx_dir();
    fx_write(d, name, text);
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    if (e)
        fail_msg("loaded a broken %s", name);
    if (!strstr(err.message, msg))
        fail_msg("message '%s' lacks '%s'", err.message, msg);
    assert_int_equal(err.status, DBT_ERR_SCRIPT);
    assert_non_null(strstr(err.file, name));
    if (err.line != line || err.column != col)
        fail_msg("%s: at %d:%d, expected %d:%d (%s)", name, err.line, err.column, line, col,
                 err.message);
    fx_rm(d);
}

#define SKILL_HEAD "id: bad\ntitle: Bad\nmodule: mindfulness\nsummary: s\n"

static void test_yaml_syntax(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", SKILL_HEAD "steps:\n  start:\n    say: 'unclosed\n", 7, 10,
                 "YAML syntax");
}

static void test_unknown_key_with_hint(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", SKILL_HEAD "steps:\n  start:\n    sya: hi\n    end: true\n", 7, 5,
                 "did you mean 'say'?");
}

static void test_duplicate_key(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml",
                 SKILL_HEAD "steps:\n  start:\n    say: hi\n    say: again\n    end: true\n", 8, 5,
                 "duplicate key 'say'");
}

static void test_wrong_type(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", SKILL_HEAD "steps:\n  start:\n    say: hi\n    rules: nope\n", 8,
                 12, "must be a list");
}

static void test_alias_rejected(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml",
                 SKILL_HEAD "steps:\n  start:\n    say: &x hi\n    fallback: *x\n    end: true\n",
                 7, 10, "anchors");
    expect_error("dt/bad.yaml", "a: [1, *x]\n", 1, 8, "aliases");
}

static void test_pattern_error_points_into_pattern(void **state)
{
    (void)state;
    /* the ( is never closed: PCRE2 reports the end of the pattern, column 22 */
    expect_error("dt/bad.yaml",
                 SKILL_HEAD
                 "steps:\n  start:\n    rules:\n      - match: 'ab(cd'\n        end: true\n",
                 8, 22, "pattern does not compile");
}

static void test_goto_missing_step(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml",
                 SKILL_HEAD
                 "steps:\n  start:\n    rules:\n      - match: x\n        goto: nowhere\n",
                 9, 15, "no step 'nowhere'");
}

static void test_missing_start(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", SKILL_HEAD "steps:\n  begin:\n    say: hi\n    end: true\n", 6, 3,
                 "named 'start'");
}

static void test_duplicate_skill_id(void **state)
{
    (void)state;
    expect_error(
        "dt/zzz.yaml",
        "id: demo\ntitle: D\nmodule: mindfulness\nsummary: s\nsteps:\n  start:\n    end: true\n", 1,
        5, "duplicate skill id 'demo'");
}

static void test_unknown_module(void **state)
{
    (void)state;
    expect_error(
        "dt/bad.yaml",
        "id: bad\ntitle: B\nmodule: cooking\nsummary: s\nsteps:\n  start:\n    end: true\n", 3, 9,
        "unknown module");
}

static void test_bad_template(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", SKILL_HEAD "steps:\n  start:\n    say: 'Hi {name'\n    end: true\n",
                 7, 14, "unclosed '{'");
}

static void test_bad_condition(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml",
                 SKILL_HEAD
                 "steps:\n  start:\n    branch:\n      - if: 'x >= '\n        goto: start\n",
                 8, 13, "expected a value");
}

static void test_hotline_missing_source(void **state)
{
    (void)state;
    expect_error("hotlines.yaml",
                 "fallback: US\nregions:\n  - region: US\n    name: U\n    emergency: '911'\n"
                 "    services:\n      - name: L\n        for: [all]\n        call: ['988']\n"
                 "        text: []\n        hours: always\n        verified: 2026-11-26\n",
                 7, 9, "needs 'source:'");
}

static void test_hotline_bad_date(void **state)
{
    (void)state;
    expect_error(
        "hotlines.yaml",
        "fallback: US\nregions:\n  - region: US\n    name: U\n    emergency: '911'\n"
        "    services:\n      - name: L\n        for: [all]\n        call: ['988']\n"
        "        text: []\n        hours: always\n        source: x\n        verified: soon\n",
        13, 19, "'verified' must be a date");
}

static void test_deep_nesting(void **state)
{
    (void)state;
    char buf[400] = "a: ";
    for (int i = 0; i < 40; i++)
        strcat(buf, "[");
    expect_error("dt/bad.yaml", buf, 1, 36, "nested too deeply");
}

static void test_empty_file(void **state)
{
    (void)state;
    expect_error("dt/bad.yaml", "", 1, 1, "empty");
}

static void test_not_a_folder(void **state)
{
    (void)state;
    dbt_error err;
    assert_null(fx_load("/nonexistent/skills", &err));
    assert_int_equal(err.status, DBT_ERR_IO);
    assert_null(fx_load(NULL, &err));
    assert_int_equal(err.status, DBT_ERR_ARG);
}

/* Every error is reported, not just the first. */
static int count_diag;
static void on_diag(void *user, int sev, const dbt_error *e)
{
    (void)user;
    (void)e;
    if (sev == DBT_SEVERITY_ERROR)
        count_diag++;
}

static void test_reports_every_error(void **state)
{
    (void)state;
    char *d = fx_dir();
    fx_write(d, "dt/a.yaml", SKILL_HEAD "steps:\n  start:\n    sya: hi\n    end: true\n");
    fx_write(d, "dt/b.yaml",
             "id: b\ntitle: B\nmodule: nope\nsummary: s\nsteps:\n  start:\n    end: true\n");
    count_diag = 0;
    dbt_error err;
    assert_null(dbt_engine_load_checked(d, 0, on_diag, NULL, &err));
    assert_int_equal(count_diag, 2);
    fx_rm(d);
}

static void test_symlink_loop_and_unreadable(void **state)
{
    (void)state;
    char *d = fx_dir();
    char link[600];
    snprintf(link, sizeof link, "%s/dt/loop", d);
    assert_int_equal(symlink("..", link), 0);
    dbt_error err;
    dbt_engine *e = fx_load(d, &err);
    assert_non_null(e); /* a folder is entered once, so the loop ends */
    assert_int_equal(dbt_engine_skill_count(e), 1);
    dbt_engine_free(e);
    /* a dangling link is an error with its name */
    snprintf(link, sizeof link, "%s/dt/gone.yaml", d);
    assert_int_equal(symlink("/nonexistent/x.yaml", link), 0);
    assert_null(fx_load(d, &err));
    assert_non_null(strstr(err.file, "gone.yaml"));
    assert_non_null(strstr(err.message, "cannot read"));
    fx_rm(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_set_loads),
        cmocka_unit_test(test_yaml_syntax),
        cmocka_unit_test(test_unknown_key_with_hint),
        cmocka_unit_test(test_duplicate_key),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_alias_rejected),
        cmocka_unit_test(test_pattern_error_points_into_pattern),
        cmocka_unit_test(test_goto_missing_step),
        cmocka_unit_test(test_missing_start),
        cmocka_unit_test(test_duplicate_skill_id),
        cmocka_unit_test(test_unknown_module),
        cmocka_unit_test(test_bad_template),
        cmocka_unit_test(test_bad_condition),
        cmocka_unit_test(test_hotline_missing_source),
        cmocka_unit_test(test_hotline_bad_date),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_not_a_folder),
        cmocka_unit_test(test_reports_every_error),
        cmocka_unit_test(test_symlink_loop_and_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
