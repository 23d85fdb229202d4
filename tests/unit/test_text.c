/*
 * test_text.c - cleaning untrusted input, reflection, names and numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "choice.h"
#include "text.h"

static char out_buf[4096];

static const char *clean(const char *in, size_t len)
{
    strbuf b;
    sb_init(&b);
    assert_true(text_clean(in, len, TEXT_MAX_SCREEN, &b));
    snprintf(out_buf, sizeof out_buf, "%s", sb_str(&b));
    sb_free(&b);
    return out_buf;
}

#define CLEAN(s) clean((s), sizeof(s) - 1)

static void test_clean_whitespace(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("  hello \t  there\n\n "), "hello there");
    assert_string_equal(CLEAN(""), "");
    assert_string_equal(CLEAN("   "), "");
}

static void test_clean_invalid_utf8(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("ok\xff\xfe!"), "ok\xef\xbf\xbd\xef\xbf\xbd!");
    assert_string_equal(CLEAN("\xc3"), "\xef\xbf\xbd");
}

static void test_clean_nul_and_controls(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("a\0b\x01\x7f"
                              "c"),
                        "abc");
    assert_string_equal(CLEAN("bell\a and \x08 backspace"), "bell and backspace");
}

static void test_clean_escape_sequences(void **state)
{
    (void)state;
    assert_string_equal(CLEAN("\033[31mred\033[0m text"), "red text");
    assert_string_equal(CLEAN("\033]0;title\007after"), "after");
    assert_string_equal(CLEAN("\033]8;;http://x\033\\link\033]8;;\033\\"), "link");
    assert_string_equal(CLEAN("x\xc2\x9b"
                              "2Jy"),
                        "xy"); /* C1 CSI */
    assert_string_equal(CLEAN("a\033"), "a");
}

static void test_clean_bidi_and_zero_width(void **state)
{
    (void)state;
    /* U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2066 */
    assert_string_equal(CLEAN("kill\xe2\x80\xae myself"), "kill myself");
    assert_string_equal(CLEAN("su\xe2\x80\x8bicide"), "suicide");
    assert_string_equal(CLEAN("\xe2\x81\xa6x\xe2\x81\xa9"), "x");
}

static void test_clean_nfkc_and_quotes(void **state)
{
    (void)state;
    /* mathematical bold "I want" */
    assert_string_equal(
        CLEAN("\xf0\x9d\x90\x88 \xf0\x9d\x90\xb0\xf0\x9d\x90\x9a\xf0\x9d\x90\xa7\xf0\x9d\x90\xad"),
        "I want");
    assert_string_equal(CLEAN("I\xe2\x80\x99m fine"), "I'm fine");
    assert_string_equal(CLEAN("\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x94 dash"),
                        "\"quoted\" - dash");
    assert_string_equal(CLEAN("\xef\xbd\x88\xef\xbd\x89"), "hi"); /* fullwidth */
    assert_string_equal(CLEAN("no\xc2\xa0"
                              "break"),
                        "no break");
}

static void test_clean_cap(void **state)
{
    (void)state;
    static char big[100000];
    memset(big, 'a', sizeof big);
    strbuf b;
    sb_init(&b);
    assert_true(text_clean(big, sizeof big, 1000, &b));
    assert_int_equal(b.len, 1000);
    sb_free(&b);
}

static const char *reflect(const char *s)
{
    strbuf b;
    sb_init(&b);
    text_reflect(s, strlen(s), &b);
    snprintf(out_buf, sizeof out_buf, "%s", sb_str(&b));
    sb_free(&b);
    return out_buf;
}

static void test_reflect(void **state)
{
    (void)state;
    assert_string_equal(reflect("I am scared of my boss"), "you are scared of your boss");
    assert_string_equal(reflect("I want to text him"), "you want to text him");
    assert_string_equal(reflect("my mum told me I'm lazy"), "your mum told you you're lazy");
    assert_string_equal(reflect("I was hurt"), "you were hurt");
    assert_string_equal(reflect("you never listen to me"), "I never listen to you");
    assert_string_equal(reflect("it is yours, not mine"), "it is mine, not yours");
    assert_string_equal(reflect("Imagine"), "Imagine");
    assert_string_equal(reflect("I hurt myself"), "you hurt yourself");
    assert_string_equal(reflect("what do you mean"), "what do I mean");
    assert_string_equal(reflect("i know you hate me"), "you know I hate you");
    assert_string_equal(reflect("i told you"), "you told me");
}

static void test_reflect_hedges(void **state)
{
    (void)state;
    assert_string_equal(reflect("i could idk go for a walk i guess"), "you could go for a walk");
    assert_string_equal(reflect("i could i don't know go for a walk i guess"),
                        "you could go for a walk");
    assert_string_equal(reflect("i guess"), "you guess");
    assert_string_equal(reflect("idk nothing really"), "nothing really");
    assert_string_equal(reflect("the beach w my grandma"), "the beach with your grandma");
    assert_string_equal(reflect("plan w"), "plan w");
    assert_string_equal(reflect("i don't know anything anymore"),
                        "you don't know anything anymore");
    /* A quote opened before the words left out stays; a closing one alone does not. */
    assert_string_equal(reflect("idk like \"just bad\" feeling"), "\"just bad\" feeling");
    assert_string_equal(reflect("ugh, idk, \u201cso tired\u201d lol"), "\u201cso tired\u201d");
    assert_string_equal(reflect("idk \"lol\" tired"), "tired");
    assert_string_equal(reflect("i don't know what to do"), "you don't know what to do");
    assert_string_equal(reflect("i don't know anymore"), "you don't know anymore");
    assert_string_equal(reflect("I don't know, maybe just notice it"), "just notice it");
    assert_string_equal(reflect("like a weight on my chest"), "a weight on your chest");
    assert_string_equal(reflect("i'm like so tired"), "you're so tired");
    assert_string_equal(reflect("i feel like a failure"), "you feel like a failure");
    assert_string_equal(reflect("honest, like you didn't make excuses"),
                        "honest, like I didn't make excuses");
    assert_string_equal(reflect("go for a walk or something lol"), "go for a walk");
    assert_string_equal(reflect("to be honest i want to scream"), "you want to scream");
    assert_string_equal(reflect("i want to be honest with him"), "you want to be honest with him");
    assert_string_equal(reflect("not going to lie i want to text him"), "you want to text him");
    assert_string_equal(reflect("i'm not going to lie to him"), "you're not going to lie to him");
    assert_string_equal(reflect("it's, you know, hard"), "it's hard");
    assert_string_equal(reflect("maybe i'm overreacting"), "maybe you're overreacting");
    assert_string_equal(reflect("so tired"), "so tired");
    assert_string_equal(reflect("i think he hates me"), "you think he hates you");
    assert_string_equal(reflect("he hates me i think"), "he hates you");
    assert_string_equal(reflect("honestly i just want to sleep"), "you just want to sleep");
    assert_string_equal(reflect("i guess so"), "you guess so");
    assert_string_equal(reflect("envy maybe"), "envy");
    assert_string_equal(reflect("i dunno"), "you don't know");
    assert_string_equal(reflect("i feel so anxious like a 9"), "you feel so anxious");
    assert_string_equal(reflect("sad, 7/10"), "sad");
    assert_string_equal(reflect("angry 8 out of 10"), "angry");
    assert_string_equal(reflect("it's a 9"), "it's a 9");
    assert_string_equal(reflect("i have one"), "you have one");
}

static void test_reflect_content(void **state)
{
    (void)state;
    strbuf b;
    sb_init(&b);
    assert_false(text_reflect("um lol", 6, &b));
    sb_clear(&b);
    assert_false(text_reflect("i don't know", 12, &b));
    assert_string_equal(sb_str(&b), "you don't know");
    sb_clear(&b);
    assert_true(text_reflect("go for a walk i guess", 21, &b));
    sb_free(&b);
}

static void test_reflect_textspeak(void **state)
{
    (void)state;
    assert_string_equal(reflect("me n my mum r fighting"), "you and your mum are fighting");
    assert_string_equal(reflect("plan b"), "plan b");
    assert_string_equal(reflect("r&b music"), "r&b music");
    assert_string_equal(reflect("a u-turn"), "a u-turn");
    assert_string_equal(reflect("vitamin b"), "vitamin b");
    assert_string_equal(reflect("i will b fine"), "you will be fine");
    assert_string_equal(reflect("go w/ my sister"), "go with your sister");
    assert_string_equal(reflect("w/o my phone"), "without your phone");
    assert_string_equal(reflect("i miss him sm"), "you miss him so much");
    assert_string_equal(reflect("i'll prob just sleep"), "you'll probably just sleep");
    assert_string_equal(reflect("no prob"), "no prob");
    assert_string_equal(reflect("ur so right"), "I'm so right");
    assert_string_equal(reflect("you r mean"), "I am mean");
}

static const char *fold(const char *s)
{
    strbuf b;
    sb_init(&b);
    text_fold_name(s, strlen(s), &b);
    snprintf(out_buf, sizeof out_buf, "%s", sb_str(&b));
    sb_free(&b);
    return out_buf;
}

static void test_fold_name(void **state)
{
    (void)state;
    assert_string_equal(fold("DEAR MAN"), "dearman");
    assert_string_equal(fold("dear-man"), "dearman");
    assert_string_equal(fold("Wise mind ACCEPTS"), "wisemindaccepts");
}

static void test_number(void **state)
{
    (void)state;
    double v;
    assert_true(text_number("7", &v));
    assert_true(v == 7);
    assert_true(text_number("ten", &v));
    assert_true(v == 10);
    assert_true(text_number("Zero", &v));
    assert_true(v == 0);
    assert_true(text_number("7.5", &v));
    assert_false(text_number("seven-ish", &v));
    assert_false(text_number("", &v));
    assert_false(text_number("nan", &v));
    assert_false(text_number("0x10", &v));
}

static int ref(const char *s) { return choice_ref(s, strlen(s), 3); }

static int desc(const char *s)
{
    static const char *const texts[] = {
        "Cope ahead Rehearse a hard situation before it happens",
        "Check the facts Sort what happened from what you made of it",
        "TIPP Change your body chemistry fast: cold water, exercise, paced breathing",
    };
    return choice_describe(s, strlen(s), texts, 3);
}

static void test_choice(void **state)
{
    (void)state;
    assert_int_equal(ref("2"), 2);
    assert_int_equal(ref("the second one"), 2);
    assert_int_equal(ref("lets do the last one"), 3);
    assert_int_equal(ref("4"), 0);
    assert_int_equal(ref("i want 2 cry"), 0);
    assert_int_equal(desc("the breathing one"), 3);
    assert_int_equal(desc("the one about the facts"), 2);
    assert_int_equal(desc("the rehearsing one pls"), 1);
    assert_int_equal(desc("breathing"), 0);            /* no "one": a topic, not a reference */
    assert_int_equal(desc("the one about my mom"), 0); /* "mom" is in none */
    assert_int_equal(desc("the one with water and facts"), 0); /* two of them */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_whitespace),
        cmocka_unit_test(test_clean_invalid_utf8),
        cmocka_unit_test(test_clean_nul_and_controls),
        cmocka_unit_test(test_clean_escape_sequences),
        cmocka_unit_test(test_clean_bidi_and_zero_width),
        cmocka_unit_test(test_clean_nfkc_and_quotes),
        cmocka_unit_test(test_clean_cap),
        cmocka_unit_test(test_reflect),
        cmocka_unit_test(test_reflect_hedges),
        cmocka_unit_test(test_reflect_content),
        cmocka_unit_test(test_reflect_textspeak),
        cmocka_unit_test(test_fold_name),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
