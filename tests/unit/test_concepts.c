/*
 * test_concepts.c - concepts (~name word families): the forms a listed word
 * brings, matching inside patterns, and every mistake an author can make,
 * reported at its file, line and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dbtcoach.h"
#include "fixture.h"
#include "model.h"

static const char concepts[] = "anxious: [anxious, anxiety, nervous, worry, scare, on edge, "
                               "freak out, \"can't settle\"]\n"
                               "sad: [sad, cry, lonely]\n"
                               "low: [~sad, down, hopeless]\n";

/* A coach whose routes use the concepts; "{1}" after a concept is still
 * the author's first group. */
static const char coach_routes[] = "routes:\n"
                                   "  - match: '\\bi (?:am|feel) (so |really )?~anxious\\b'\n"
                                   "    examples: [i feel so worried]\n"
                                   "    say: 'Anxious route ({1}).'\n"
                                   "  - match: '~low'\n"
                                   "    examples: [i keep crying]\n"
                                   "    say: Low route.\n"
                                   "  - match: 'a \\~ tilde|[~]x'\n"
                                   "    examples: [a ~ tilde]\n"
                                   "    say: Tilde route.\n";

static char *coach_with(const char *routes)
{
    const char *at = strstr(fx_coach, "routes:\n");
    const char *end = strstr(fx_coach, "fallback:");
    size_t n = (size_t)(at - fx_coach);
    char *s = malloc(n + strlen(routes) + strlen(end) + 1);
    memcpy(s, fx_coach, n);
    strcpy(s + n, routes);
    strcat(s, end);
    return s;
}

static dbt_engine *load_with(char **dir, const char *concepts_yaml, const char *routes,
                             dbt_error *err)
{
    *dir = fx_dir();
    if (concepts_yaml)
        fx_write(*dir, "concepts.yaml", concepts_yaml);
    char *c = coach_with(routes);
    fx_write(*dir, "coach.yaml", c);
    free(c);
    return fx_load(*dir, err);
}

static const concept *find(const dbt_engine *e, const char *name)
{
    for (int i = 0; i < e->nconcepts; i++)
        if (!strcmp(e->concepts[i].name, name))
            return &e->concepts[i];
    return NULL;
}

static bool has_form(const concept *c, const char *form)
{
    for (int i = 0; i < c->nforms; i++)
        if (!strcmp(c->forms[i], form))
            return true;
    return false;
}

static void test_forms(void **state)
{
    (void)state;
    char *d;
    dbt_error err;
    dbt_engine *e = load_with(&d, concepts, coach_routes, &err);
    if (!e)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    const concept *a = find(e, "anxious"), *s = find(e, "sad"), *l = find(e, "low");
    assert_non_null(a);
    assert_non_null(s);
    assert_non_null(l);
    static const char *const yes[] = {"anxious",      "anxiously",   "anxiousness", "worry",
                                      "worries",      "worried",     "worrying",    "scare",
                                      "scared",       "scares",      "scaring",     "nervous",
                                      "on edge",      "freak out",   "freaks out",  "freaked out",
                                      "freaking out", "freakin out", "worryin",     "can't settle"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!has_form(a, yes[i]))
            fail_msg("~anxious lacks '%s'", yes[i]);
    /* Forms whose stem is not the word's are left out. */
    static const char *const no[] = {"worryed", "scareing", "anxiouses", "nervousy", "freakly out"};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        if (has_form(a, no[i]))
            fail_msg("~anxious has '%s'", no[i]);
    assert_true(has_form(s, "sadness"));
    assert_true(has_form(s, "cries"));
    assert_true(has_form(s, "crying"));
    assert_true(has_form(s, "cried"));
    assert_false(has_form(s, "sady"));
    /* ~low includes every form of ~sad, and its own words. */
    for (int i = 0; i < s->nforms; i++)
        assert_true(has_form(l, s->forms[i]));
    assert_true(has_form(l, "hopeless"));
    assert_true(has_form(l, "hopelessness"));
    /* Longest first, so a phrase is never cut short by its head. */
    for (int i = 1; i < a->nforms; i++)
        assert_true(strlen(a->forms[i - 1]) >= strlen(a->forms[i]));
    dbt_engine_free(e);
    fx_rm(d);
}

static const char *say(dbt_session *s, const char *text)
{
    const dbt_reply *r = dbt_session_turn(s, text);
    assert_non_null(r);
    return r->text;
}

static void test_matching(void **state)
{
    (void)state;
    char *d;
    dbt_error err;
    dbt_engine *e = load_with(&d, concepts, coach_routes, &err);
    assert_non_null(e);
    dbt_session *s = dbt_session_new(e, "US");
    assert_non_null(s);
    dbt_session_start(s);
    assert_non_null(strstr(say(s, "i feel so worried"), "Anxious route (so )"));
    assert_non_null(strstr(say(s, "I am really FREAKING   out"), "Anxious route (really )"));
    assert_non_null(strstr(say(s, "i feel cant settle"), "Anxious route"));
    assert_non_null(strstr(say(s, "i am on edge"), "Anxious route"));
    assert_non_null(strstr(say(s, "so much sadness"), "Low route"));
    assert_non_null(strstr(say(s, "feeling hopeless"), "Low route"));
    assert_non_null(strstr(say(s, "a ~ tilde"), "Tilde route"));
    assert_non_null(strstr(say(s, "~x"), "Tilde route"));
    /* Whole words only: a form inside a longer word does not count. */
    assert_null(strstr(say(s, "i am scarecrow"), "route"));
    assert_null(strstr(say(s, "downtown"), "route"));
    dbt_session_free(s);
    dbt_engine_free(e);
    fx_rm(d);
}

/* The line of coach.yaml on which the routes begin. */
static int routes_line(void)
{
    int line = 1;
    for (const char *p = fx_coach; p < strstr(fx_coach, "routes:\n"); p++)
        line += *p == '\n';
    return line;
}

/* Load a broken set and check the first error and its place (in coach.yaml,
 * `line` counts from the routes' first line as 1). */
static void expect(const char *concepts_yaml, const char *routes, const char *file, int line,
                   int col, const char *msg)
{
    char *d;
    dbt_error err;
    dbt_engine *e = load_with(&d, concepts_yaml, routes, &err);
    if (e)
        fail_msg("loaded a broken set (%s)", msg);
    if (!strstr(err.message, msg))
        fail_msg("message '%s' lacks '%s'", err.message, msg);
    if (!strstr(err.file, file))
        fail_msg("error in %s, expected %s", err.file, file);
    if (!strcmp(file, "coach.yaml"))
        line += routes_line() - 1;
    if (err.line != line || err.column != col)
        fail_msg("at %d:%d, expected %d:%d (%s)", err.line, err.column, line, col, err.message);
    fx_rm(d);
}

static void test_unknown_concept(void **state)
{
    (void)state;
    /* At the tilde, with the closest name as a hint. */
    expect(concepts, "routes:\n  - match: '\\bso ~anxius\\b'\n    say: x\n", "coach.yaml", 2, 18,
           "unknown concept ~anxius; did you mean ~anxious?");
    expect(concepts, "routes:\n  - match: ~zebra\n    say: x\n", "coach.yaml", 2, 12,
           "unknown concept ~zebra; define it in concepts.yaml");
    /* No concepts.yaml at all. */
    expect(NULL, "routes:\n  - match: \"x ~sad\"\n    say: x\n", "coach.yaml", 2, 15,
           "unknown concept ~sad");
}

static void test_compile_error_after_concept(void **state)
{
    (void)state;
    /* The offset of a compile error is in the pattern as written, not as
     * spelled out: here the unclosed group after ~sad. */
    expect(concepts, "routes:\n  - match: '~sad (a'\n    say: x\n", "coach.yaml", 2, 20,
           "pattern does not compile");
}

static void test_bad_definitions(void **state)
{
    (void)state;
    expect("sad: []\n", coach_routes, "concepts.yaml", 1, 6, "concept ~sad is an empty list");
    expect("Sad: [sad]\n", coach_routes, "concepts.yaml", 1, 1, "concept name 'Sad'");
    expect("sad: sad\n", coach_routes, "concepts.yaml", 1, 6, "must be a list");
    expect("sad: [sad, '  ']\n", coach_routes, "concepts.yaml", 1, 12, "a concept's word is empty");
    expect("sad: [~blue]\n", coach_routes, "concepts.yaml", 1, 7, "unknown concept ~blue");
    expect("sad: [sad]\nsad: [cry]\n", coach_routes, "concepts.yaml", 2, 1, "duplicate key");
}

static void test_skill_concepts(void **state)
{
    (void)state;
    /* A skill's own concept serves its patterns only. */
    char *d;
    dbt_error err;
    dbt_engine *e = load_with(&d, concepts, coach_routes, &err);
    assert_non_null(e);
    dbt_engine_free(e);
    fx_write(d, "dt/own.yaml",
             "id: own\ntitle: Own\nmodule: mindfulness\nsummary: s\n"
             "concepts:\n  calm: [calm, peace]\n"
             "steps:\n  start:\n    say: hi\n    rules:\n"
             "      - match: '~calm|~sad'\n        end: true\n");
    e = fx_load(d, &err);
    if (!e)
        fail_msg("%s:%d:%d: %s", err.file, err.line, err.column, err.message);
    const concept *c = find(e, "calm");
    assert_non_null(c);
    assert_non_null(c->file);
    assert_true(c->used);
    assert_true(has_form(c, "calmly") && has_form(c, "calmed") && has_form(c, "calming"));
    assert_true(has_form(c, "calmness") && has_form(c, "peaceful") == false);
    assert_false(has_form(c, "calmer")); /* Snowball keeps -er: another word */
    dbt_engine_free(e);
    /* Another file cannot see it. */
    fx_write(d, "dt/other.yaml",
             "id: other\ntitle: Other\nmodule: mindfulness\nsummary: s\n"
             "steps:\n  start:\n    say: hi\n    rules:\n"
             "      - match: '~calm'\n        end: true\n");
    e = fx_load(d, &err);
    assert_null(e);
    assert_non_null(strstr(err.message, "unknown concept ~calm"));
    assert_non_null(strstr(err.file, "other.yaml"));
    fx_rm(d);
    /* A skill's concept may not take a shared concept's name. */
    d = fx_dir();
    fx_write(d, "concepts.yaml", concepts);
    fx_write(d, "dt/own.yaml",
             "id: own\ntitle: Own\nmodule: mindfulness\nsummary: s\n"
             "concepts:\n  sad: [blue]\n"
             "steps:\n  start:\n    say: hi\n    end: true\n");
    e = fx_load(d, &err);
    assert_null(e);
    assert_non_null(strstr(err.message, "concept ~sad is already defined in"));
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 3);
    fx_rm(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),           cmocka_unit_test(test_matching),
        cmocka_unit_test(test_unknown_concept), cmocka_unit_test(test_compile_error_after_concept),
        cmocka_unit_test(test_bad_definitions), cmocka_unit_test(test_skill_concepts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
