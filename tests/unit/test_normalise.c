/*
 * test_normalise.c - the normalisation layer on its own: shorthand,
 * elongation, digits as letters, typos of known words, and what it must
 * never do (make a new word of a right one, touch names or word forms).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dbtcoach.h"
#include "model.h"
#include "normalise.h"

static normaliser *nz;

static int setup(void **state)
{
    (void)state;
    nz = nz_new();
    if (!nz)
        return -1;
    nz_add_text(nz, "I want to kill myself. thinking about suicide, I feel anxious", true);
    nz_add_text(nz, "so odd, an argument with my dad, everyone would be better off", true);
    nz_add_text(nz, "The coach says: breathe in slowly.", false);
    nz_add_shorthand(nz, "kms", "kill myself");
    nz_add_shorthand(nz, "idk", "i don't know");
    nz_add_shorthand(nz, "sewer slide", "suicide");
    nz_add_shorthand(nz, "self delete", "kill myself");
    return nz_finish(nz) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    nz_free(nz);
    return 0;
}

/* The text normalised, with typos or without. */
static const char *norm(const char *in, bool typos)
{
    static strbuf out;
    sb_free(&out);
    sb_init(&out);
    nz_apply(nz, in, strlen(in), typos, &out);
    return sb_str(&out);
}

static void test_shorthand(void **state)
{
    (void)state;
    assert_string_equal(norm("i wanna kms rn", false), "i wanna kill myself rn");
    assert_string_equal(norm("idk, Sewer Slide maybe", false), "i don't know, suicide maybe");
    assert_string_equal(norm("i might self-delete", false), "i might kill myself");
    assert_string_equal(norm("KMS", false), "kill myself");
}

static void test_elongation(void **state)
{
    (void)state;
    assert_string_equal(norm("im soooo tired", false), "im so tired");
    assert_string_equal(norm("killll myselfff", false), "kill myself");
    assert_string_equal(norm("thats odd", false), "thats odd"); /* right words stay */
    assert_string_equal(norm("odd", true), "odd");
    assert_string_equal(norm("zzzzz", false), "zz"); /* no word: two of each */
}

static void test_typos(void **state)
{
    (void)state;
    assert_string_equal(norm("thinking about sucide", true), "thinking about suicide");
    assert_string_equal(norm("i feel anxius", true), "i feel anxious");
    assert_string_equal(norm("i want to kill mysefl", true), "i want to kill myself");
    assert_string_equal(norm("i feel anxius", false), "i feel anxius"); /* only with typos */
    /* Never: word forms, names, short words, words the coach says. */
    assert_string_equal(norm("two arguments", true), "two arguments");
    assert_string_equal(norm("me and Dan", true), "me and Dan");
    assert_string_equal(norm("the dat", true), "the dat");
    assert_string_equal(norm("breathe slowly", true), "breathe slowly");
}

static void test_digits_as_letters(void **state)
{
    (void)state;
    assert_string_equal(norm("i want to k1ll mys3lf", true), "i want to kill myself");
    assert_string_equal(norm("su1c1de", true), "suicide");
    assert_string_equal(norm("at 10 pm, 2 of us", true), "at 10 pm, 2 of us");
}

static void test_within_one(void **state)
{
    (void)state;
    assert_true(nz_within_one("suicide", 7, "sucide", 6));
    assert_true(nz_within_one("suicide", 7, "suicdie", 7));
    assert_true(nz_within_one("kill", 4, "kilt", 4));
    assert_false(nz_within_one("kill", 4, "kit", 3) && nz_within_one("kill", 4, "bit", 3));
    assert_false(nz_within_one("myself", 6, "mysefk", 6));
    assert_false(nz_within_one("abc", 3, "abcde", 5));
}

static void test_untouched_text_is_copied(void **state)
{
    (void)state;
    strbuf out;
    sb_init(&out);
    const char *in = "Hello, World! ¿Qué tal? 😀";
    assert_false(nz_apply(nz, in, strlen(in), true, &out));
    assert_string_equal(sb_str(&out), in);
    sb_free(&out);
}

/* Typos are corrected into the scripts' words only from words that are not
 * words: no word of the Debian word list (wamerican, which make test
 * installs) may be "corrected", or "goose" would be read as "noose". A word
 * this names goes into `ordinary:` in skills/words.yaml. */
static void test_dictionary_words_stay(void **state)
{
    (void)state;
    FILE *f = fopen("/usr/share/dict/american-english", "r");
    if (!f) {
        printf("skipped: no /usr/share/dict/american-english (package wamerican)\n");
        return;
    }
    dbt_error err;
    dbt_engine *e = dbt_engine_load("skills", &err);
    assert_non_null(e);
    char line[256];
    int checked = 0, corrected = 0;
    strbuf out;
    sb_init(&out);
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (!n || !islower((unsigned char)line[0]))
            continue; /* names are never corrected */
        checked++;
        sb_free(&out);
        sb_init(&out);
        if (nz_apply(e->nz, line, n, false, &out))
            continue; /* shorthand ("cos") or a stretch: on purpose */
        sb_free(&out);
        sb_init(&out);
        if (nz_apply(e->nz, line, n, true, &out)) {
            printf("corrected: %s -> %s\n", line, sb_str(&out));
            corrected++;
        }
    }
    sb_free(&out);
    fclose(f);
    dbt_engine_free(e);
    printf("dictionary: %d words, %d corrected\n", checked, corrected);
    assert_int_equal(corrected, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shorthand),
        cmocka_unit_test(test_elongation),
        cmocka_unit_test(test_typos),
        cmocka_unit_test(test_digits_as_letters),
        cmocka_unit_test(test_within_one),
        cmocka_unit_test(test_untouched_text_is_copied),
        cmocka_unit_test(test_dictionary_words_stay),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
