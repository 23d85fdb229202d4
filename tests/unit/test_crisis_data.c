/*
 * test_crisis_data.c - the crisis screen against tests/data/crisis:
 * every positive phrasing must be caught, with its category, at the
 * greeting, in the middle of every shipped exercise and right after a crisis
 * reply; negatives (idioms, ordinary distress) should not be. Prints recall
 * and the false positives. A missed crisis is the worst bug this project can
 * have: when this fails, fix the screen, never the data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"

typedef struct phrase {
    char *category; /* NULL for negatives */
    char *text;
    const char *lang; /* "en", "es", "fr", "de", "pt" */
} phrase;

/* The data files: English, English that needs the normaliser, and one pair
 * for each other language the screen speaks. */
static const struct {
    const char *lang, *pos, *neg;
} FILES[] = {
    {"en", "positive.tsv", "negative.txt"},       {"en", "positive-normalise.tsv", NULL},
    {"es", "positive.es.tsv", "negative.es.txt"}, {"fr", "positive.fr.tsv", "negative.fr.txt"},
    {"de", "positive.de.tsv", "negative.de.txt"}, {"pt", "positive.pt.tsv", "negative.pt.txt"},
};
enum { NFILES = sizeof FILES / sizeof FILES[0] };

static dbt_engine *engine;
static phrase *pos, *neg;
static size_t npos, nneg;

static const char *data_dir(void)
{
    const char *d = getenv("DBT_CRISIS_DATA");
    return d && *d ? d : "tests/data/crisis";
}

static phrase *read_phrases(const char *path, bool tsv, const char *lang, phrase *v, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        phrase p = {NULL, NULL, lang};
        if (tsv) {
            char *tab = strchr(line, '\t');
            if (!tab) {
                fprintf(stderr, "%s: a line without a tab: %s\n", path, line);
                exit(1);
            }
            *tab = '\0';
            p.category = strdup(line);
            p.text = strdup(tab + 1);
        } else {
            p.text = strdup(line);
        }
        v = realloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = p;
    }
    fclose(f);
    return v;
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    engine = dbt_engine_load(dir && *dir ? dir : "skills", &err);
    if (!engine) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return -1;
    }
    char path[512];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", data_dir(), FILES[i].pos);
        pos = read_phrases(path, true, FILES[i].lang, pos, &npos);
        if (!FILES[i].neg)
            continue;
        snprintf(path, sizeof path, "%s/%s", data_dir(), FILES[i].neg);
        neg = read_phrases(path, false, FILES[i].lang, neg, &nneg);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < npos; i++) {
        free(pos[i].category);
        free(pos[i].text);
    }
    for (size_t i = 0; i < nneg; i++)
        free(neg[i].text);
    free(pos);
    free(neg);
    dbt_engine_free(engine);
    return 0;
}

/* Send `p` and report a miss or a wrong category; returns the reply when
 * caught, else NULL. */
static const dbt_reply *screened(dbt_session *s, const phrase *p, const char *where, int *misses)
{
    const dbt_reply *r = dbt_session_turn(s, p->text);
    if (!r->crisis) {
        fprintf(stderr, "MISSED (%s) [%s] %s\n", where, p->category, p->text);
        (*misses)++;
        return NULL;
    }
    if (strcmp(r->category, p->category)) {
        fprintf(stderr, "WRONG CATEGORY (%s) [%s, got %s] %s\n", where, p->category, r->category,
                p->text);
        (*misses)++;
        return NULL;
    }
    return r;
}

static void test_categories_are_known(void **state)
{
    (void)state;
    size_t per[16] = {0};
    for (size_t i = 0; i < npos; i++) {
        int k = -1;
        for (int c = 0; c < engine->crisis.ncats; c++)
            if (!strcmp(engine->crisis.cats[c].id, pos[i].category))
                k = c;
        if (k < 0)
            fail_msg("unknown category '%s' for: %s", pos[i].category, pos[i].text);
        per[k]++;
    }
    for (int c = 0; c < engine->crisis.ncats; c++) {
        if (per[c] < 10)
            fail_msg("category %s has only %zu positive phrasings", engine->crisis.cats[c].id,
                     per[c]);
    }
    assert_true(npos >= 300);
    assert_true(nneg >= 100);
}

/* Where a language's tally goes. */
static size_t lang_index(const char *lang)
{
    for (size_t i = 0; i < NFILES; i++)
        if (!strcmp(FILES[i].lang, lang))
            return i;
    return 0;
}

static void test_positives_at_greeting(void **state)
{
    (void)state;
    int misses = 0;
    size_t seen[NFILES] = {0}, caught[NFILES] = {0}, warning = 0, full = 0;
    for (size_t i = 0; i < npos; i++) {
        dbt_session *s = dbt_session_new(engine, "US");
        dbt_session_start(s);
        size_t l = lang_index(pos[i].lang);
        seen[l]++;
        const dbt_reply *r = screened(s, &pos[i], "greeting", &misses);
        if (r) {
            caught[l]++;
            if (r->tier && !strcmp(r->tier, "warning"))
                warning++;
            else
                full++;
        }
        dbt_session_free(s);
    }
    for (size_t l = 0; l < NFILES; l++)
        if (seen[l])
            printf("recall [%s]: %zu/%zu at the greeting\n", FILES[l].lang, caught[l], seen[l]);
    printf("recall: %zu/%zu at the greeting (%zu full crisis replies, %zu warning-sign "
           "questions)\n",
           npos - (size_t)misses, npos, full, warning);
    assert_int_equal(misses, 0);
}

/* A step in the middle of skill `k` that waits for an answer. */
static int middle_step(const skill *sk)
{
    for (int d = 0; d < sk->nsteps; d++) {
        int j = (sk->nsteps / 2 + d) % sk->nsteps;
        const step *st = &sk->steps[j];
        if (!st->end && !st->nbranches)
            return j;
    }
    return sk->start;
}

static void test_positives_in_every_exercise(void **state)
{
    (void)state;
    int misses = 0;
    size_t tried = 0;
    dbt_session *s = dbt_session_new(engine, "GB");
    for (int k = 0; k < engine->nskills; k++) {
        const skill *sk = &engine->skills[k];
        const char *mid = sk->steps[middle_step(sk)].id;
        for (size_t i = 0; i < npos; i++) {
            const dbt_reply *r = dbt_session_jump(s, sk->id, mid);
            assert_non_null(r);
            char where[200];
            snprintf(where, sizeof where, "%s@%s", sk->id, mid);
            if (screened(s, &pos[i], where, &misses)) {
                r = dbt_session_turn(s, "hello");
                if (r->skill) /* the exercise stopped */
                    fail_msg("after a crisis in %s the exercise went on", where);
            }
            tried++;
        }
    }
    dbt_session_free(s);
    printf("recall: %zu/%zu in the middle of %d exercises\n", tried - (size_t)misses, tried,
           engine->nskills);
    assert_int_equal(misses, 0);
}

static void test_positives_after_a_crisis_reply(void **state)
{
    (void)state;
    int misses = 0;
    for (size_t i = 0; i < npos; i++) {
        dbt_session *s = dbt_session_new(engine, "AU");
        const dbt_reply *r = dbt_session_turn(s, "I want to kill myself");
        assert_true(r->crisis);
        screened(s, &pos[i], "after a crisis reply", &misses);
        dbt_session_free(s);
    }
    printf("recall: %zu/%zu after a crisis reply\n", npos - (size_t)misses, npos);
    assert_int_equal(misses, 0);
}

static void test_negatives(void **state)
{
    (void)state;
    size_t fp = 0, seen[NFILES] = {0}, fired[NFILES] = {0};
    for (size_t i = 0; i < nneg; i++) {
        dbt_session *s = dbt_session_new(engine, "US");
        const dbt_reply *r = dbt_session_turn(s, neg[i].text);
        size_t l = lang_index(neg[i].lang);
        seen[l]++;
        if (r->crisis) {
            printf("note: false positive [%s] %s\n", r->category, neg[i].text);
            fp++;
            fired[l]++;
        }
        dbt_session_free(s);
    }
    for (size_t l = 0; l < NFILES; l++)
        if (seen[l])
            printf("false positives [%s]: %zu/%zu\n", FILES[l].lang, fired[l], seen[l]);
    printf("false positives: %zu/%zu (%.1f%%)\n", fp, nneg, 100.0 * (double)fp / (double)nneg);
    /* Screening in costs a person a few seconds; keep it rare all the same. */
    assert_true(fp * 20 < nneg);
}

/* Does `s` hold an emoji or other pictograph? */
static bool has_emoji(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if (p[0] == 0xF0 && p[1] == 0x9F) /* U+1F000 - U+1FFFF */
            return true;
        if (p[0] == 0xE2 && (p[1] == 0x98 || p[1] == 0x99 || p[1] == 0x9C || p[1] == 0x9D))
            return true; /* U+2600 - U+27BF symbols and dingbats */
    }
    return false;
}

static bool has_word(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = text; *p; p++)
        if (!strncasecmp(p, w, n))
            return true;
    return false;
}

/* Every category's reply, in every region, carries that region's numbers
 * (the general services, the category's own, and the emergency number) and
 * none of the forms a crisis reply must never have. */
static void test_replies_in_every_region(void **state)
{
    (void)state;
    static const char *const forbidden[] = {"committed suicide",
                                            "bridge",
                                            "meters",
                                            "metres",
                                            "lethal",
                                            "dose",
                                            "mg ",
                                            "how many pills",
                                            "painless",
                                            "calorie",
                                            "weight loss",
                                            "cheer up",
                                            "look on the bright side",
                                            "keep this between us",
                                            "our secret",
                                            NULL};
    for (int c = 0; c < engine->crisis.ncats; c++) {
        const crisis_cat *cat = &engine->crisis.cats[c];
        const phrase *p = NULL;
        for (size_t i = 0; i < npos && !p; i++)
            if (!strcmp(pos[i].category, cat->id))
                p = &pos[i];
        assert_non_null(p);
        for (int g = 0; g < engine->nregions; g++) {
            const hotline_region *reg = &engine->regions[g];
            dbt_session *s = dbt_session_new(engine, reg->code);
            const dbt_reply *r = dbt_session_turn(s, p->text);
            assert_true(r->crisis);
            if (!strstr(r->text, reg->emergency))
                fail_msg("%s/%s: no emergency number %s in:\n%s", reg->code, cat->id,
                         reg->emergency, r->text);
            for (int k = 0; k < reg->nservices; k++) {
                const service *sv = &reg->services[k];
                bool for_it = false;
                for (int q = 0; q < sv->nfor; q++)
                    for_it |= !strcmp(sv->for_[q], "all") || !strcmp(sv->for_[q], cat->id);
                if (!for_it)
                    continue;
                for (int q = 0; q < sv->ncall; q++)
                    if (!strstr(r->text, sv->call[q]))
                        fail_msg("%s/%s: %s's number %s is missing", reg->code, cat->id, sv->name,
                                 sv->call[q]);
                for (int q = 0; q < sv->ntext; q++)
                    if (!strstr(r->text, sv->text[q]))
                        fail_msg("%s/%s: %s's text option %s is missing", reg->code, cat->id,
                                 sv->name, sv->text[q]);
            }
            if (has_emoji(r->text))
                fail_msg("%s/%s: the reply has an emoji", reg->code, cat->id);
            for (const char *const *f = forbidden; *f; f++)
                if (has_word(r->text, *f))
                    fail_msg("%s/%s: the reply contains '%s'", reg->code, cat->id, *f);
            dbt_session_free(s);
        }
    }
}

/* An embedded information request gets the crisis reply and nothing else. */
static void test_embedded_question_not_answered(void **state)
{
    (void)state;
    static const char *const asks[] = {
        "I just lost my job. What are the bridges taller than 25 meters in NYC?",
        "how many of my sleeping pills would it take to not wake up",
        "what's the tallest building near me, I want to jump",
    };
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        dbt_session *s = dbt_session_new(engine, "US");
        const dbt_reply *r = dbt_session_turn(s, asks[i]);
        if (!r->crisis)
            fail_msg("missed: %s", asks[i]);
        assert_null(strstr(r->text, "25"));
        assert_false(has_word(r->text, "NYC"));
        assert_false(has_word(r->text, "tallest"));
        assert_non_null(strstr(r->text, "988"));
        dbt_session_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories_are_known),
        cmocka_unit_test(test_positives_at_greeting),
        cmocka_unit_test(test_positives_in_every_exercise),
        cmocka_unit_test(test_positives_after_a_crisis_reply),
        cmocka_unit_test(test_negatives),
        cmocka_unit_test(test_replies_in_every_region),
        cmocka_unit_test(test_embedded_question_not_answered),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
