/*
 * test_prefilter.c - the prefilter never hides a pattern that matches.
 *
 * Required literals are checked by hand on tricky patterns, and then, for
 * every pattern in the shipped scripts against every phrase we have (rule
 * examples, crisis phrasings, idioms), that whenever the pattern matches, the
 * prefilter lists it as a candidate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "text.h"

/* The requirement as text: literals of a set joined by |, sets by " & ". */
static const char *req(const char *pat)
{
    static char out[512];
    strbuf b;
    sb_init(&b);
    if (!pf_requirement(pat, &b)) {
        sb_free(&b);
        return NULL;
    }
    size_t k = 0;
    bool first = true;
    for (size_t i = 0; i < b.len && k < sizeof out - 4;) {
        size_t l = strlen(b.s + i);
        if (l == 0) {
            first = true;
            i++;
            if (i < b.len)
                k += (size_t)snprintf(out + k, sizeof out - k, " & ");
            continue;
        }
        k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", first ? "" : "|", b.s + i);
        first = false;
        i += l + 1;
    }
    out[k] = '\0';
    sb_free(&b);
    return out;
}

static void test_requirements(void **state)
{
    (void)state;
    assert_string_equal(req("\\bkill myself\\b"), "kill myself");
    assert_null(req("(?i)kill")); /* inline options: stay out */
    assert_string_equal(req("\\b(send|text|message)\\b.{0,40}\\bex\\b"), "send|text|message & ex");
    assert_string_equal(req("want(s|ed)? to die"), " to die & want");
    assert_string_equal(req("killing?"), "killin");
    assert_null(req("(yes|y)"));  /* a branch too short to index */
    assert_null(req("(hello)?")); /* optional group */
    assert_string_equal(req("(?<name>.+) skill"), " skill");
    assert_string_equal(req("i'?m going"), "m going");
    assert_string_equal(req("Kill\\.Me"), "kill.me");
    assert_null(req("\\x41bc"));
    assert_null(req("(a)\\1"));
    assert_string_equal(req("(?:ab|cd)e{2}fgh"), "fgh & ab|cd");
    assert_null(req("abc{,2}")); /* {,n} is not the same in every version */
    assert_string_equal(req("[abc]+ done"), " done");
    assert_string_equal(req("(?=.*kill)die"), "die");
    assert_string_equal(req("caf\xc3\xa9s"), "caf"); /* non-ASCII letters are not indexed */
    assert_string_equal(req("\\p{L}+ went home"), " went home");
    assert_null(req("(*UTF)abc"));
    assert_null(req("a|")); /* an empty branch matches anything */
}

/* Every phrase we know, for the exhaustive check. */
static char **corpus;
static size_t ncorpus, capcorpus;

static void add_phrase(const char *s)
{
    if (ncorpus == capcorpus) {
        capcorpus = capcorpus ? capcorpus * 2 : 1024;
        corpus = realloc(corpus, capcorpus * sizeof *corpus);
    }
    corpus[ncorpus++] = strdup(s);
}

static void add_examples(const rule *r, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < r[i].nexamples; k++)
            add_phrase(r[i].examples[k]);
}

static void add_file(const char *path, bool tsv)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *t = tsv ? strchr(line, '\t') : line;
        if (t)
            add_phrase(tsv ? t + 1 : t);
    }
    fclose(f);
}

static size_t checked, candidates_ok;

/* Check one rule list against the whole corpus. */
static void check_rules(const rule *rules, int n, matcher *m)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < rules[i].npats; k++) {
            const pattern *p = rules[i].pats[k];
            const char *src = p->full; /* as compiled: concepts spelled out */
            arena a = {0};
            const char *srcs[1] = {src};
            prefilter *pf = pf_build(&a, srcs, 1);
            u32vec cand = {0}, lits = {0};
            strbuf in, lower;
            sb_init(&in);
            sb_init(&lower);
            for (size_t c = 0; c < ncorpus; c++) {
                text_clean(corpus[c], strlen(corpus[c]), TEXT_MAX_SCREEN, &in);
                sb_clear(&lower);
                for (size_t j = 0; j < in.len; j++)
                    sb_addc(&lower,
                            (char)(in.s[j] >= 'A' && in.s[j] <= 'Z' ? in.s[j] + 32 : in.s[j]));
                if (pat_match(p, sb_str(&in), in.len, 0, m) != PM_MATCH)
                    continue;
                checked++;
                pf_candidates(pf, sb_str(&lower), lower.len, &cand, &lits);
                if (!cand.all && cand.n == 0)
                    fail_msg("the prefilter hides /%s/, which matches \"%s\"", src, corpus[c]);
                candidates_ok++;
            }
            sb_free(&in);
            sb_free(&lower);
            u32_free(&cand);
            u32_free(&lits);
            ar_free(&a);
        }
}

static void test_never_hides_a_match(void **state)
{
    (void)state;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    dbt_engine *e = dbt_engine_load(dir && *dir ? dir : "skills", &err);
    assert_non_null(e);
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        add_examples(s->triggers, s->ntriggers);
        add_examples(s->rules, s->nrules);
        for (int j = 0; j < s->nsteps; j++)
            add_examples(s->steps[j].rules, s->steps[j].nrules);
    }
    add_examples(e->coach.routes, e->coach.nroutes);
    for (int c = 0; c < e->crisis.ncats; c++)
        add_examples(e->crisis.cats[c].pats, e->crisis.cats[c].npats);
    add_examples(e->crisis.idioms, e->crisis.nidioms);
    add_file("tests/data/crisis/positive.tsv", true);
    add_file("tests/data/crisis/negative.txt", false);
    matcher m;
    assert_true(matcher_init(&m, (unsigned)e->max_captures, NULL));
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        check_rules(s->triggers, s->ntriggers, &m);
        check_rules(s->rules, s->nrules, &m);
        for (int j = 0; j < s->nsteps; j++)
            check_rules(s->steps[j].rules, s->steps[j].nrules, &m);
    }
    check_rules(e->coach.routes, e->coach.nroutes, &m);
    for (int c = 0; c < e->crisis.ncats; c++)
        check_rules(e->crisis.cats[c].pats, e->crisis.cats[c].npats, &m);
    printf("note: %zu matches over %zu phrases, every one a candidate\n", checked, ncorpus);
    assert_int_equal(checked, candidates_ok);
    assert_true(checked > 1000);
    matcher_free(&m);
    for (size_t i = 0; i < ncorpus; i++)
        free(corpus[i]);
    free(corpus);
    dbt_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requirements),
        cmocka_unit_test(test_never_hides_a_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
