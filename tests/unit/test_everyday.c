/*
 * test_everyday.c - the crisis screen against everyday text that nobody here
 * wrote: every word of the Debian word list (package wamerican), one word a
 * message, and every entry of the Debian fortune files (fortunes-min,
 * fortunes), one entry a message. A message that screens in must be listed in
 * tests/data/crisis/everyday-allowed.txt, where a comment says why it really
 * names a risk; any other one fails the test and is printed. Prints the
 * false-alarm rate of each set. `make test` installs the packages; when the
 * files are missing all the same, the test says so and is skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dbtcoach.h"

static dbt_engine *engine;
static char **allowed; /* sorted messages of the allow-list */
static size_t nallowed;
static bool *allowed_seen; /* which allow-list entries fired this run */

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* Collapse every run of white space in `s` to one space and trim both ends,
 * in place: the form in which messages are compared with the allow-list. */
static void squeeze(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            space = w != s;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *r;
    }
    *w = '\0';
}

/* realloc, or end the test run when memory is out. */
static void *grow(void *p, size_t size)
{
    void *q = realloc(p, size);
    if (!q) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return q;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_allowed(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        if (line[0] == '#')
            continue;
        squeeze(line);
        if (!line[0])
            continue;
        allowed = grow(allowed, (nallowed + 1) * sizeof *allowed);
        allowed[nallowed++] = strdup(line);
    }
    free(line);
    fclose(f);
    if (nallowed)
        qsort(allowed, nallowed, sizeof *allowed, cmp_str);
    allowed_seen = calloc(nallowed ? nallowed : 1, sizeof *allowed_seen);
}

static int setup(void **state)
{
    (void)state;
    dbt_error err;
    /* Under valgrind (DBTCOACH_NO_JIT set) match without PCRE2's JIT, whose
     * code valgrind cannot follow. */
    const char *nojit = getenv("DBTCOACH_NO_JIT");
    engine = dbt_engine_load_checked(env_or("DBTCOACH_SKILLS", "skills"),
                                     nojit && *nojit ? DBT_LOAD_NO_JIT : 0, NULL, NULL, &err);
    if (!engine) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        return -1;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/everyday-allowed.txt",
             env_or("DBT_CRISIS_DATA", "tests/data/crisis"));
    read_allowed(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < nallowed; i++)
        free(allowed[i]);
    free(allowed);
    free(allowed_seen);
    dbt_engine_free(engine);
    return 0;
}

/* A tally of one set of messages. */
typedef struct tally {
    size_t messages; /* messages screened */
    size_t fired;    /* of those, how many screened in */
    size_t unlisted; /* of those, how many the allow-list does not name */
} tally;

/* Screen `text` on a fresh session; count it and print it when it fires
 * without being on the allow-list. */
static void screen(tally *t, const char *set, const char *text)
{
    dbt_session *s = dbt_session_new(engine, "US");
    const dbt_reply *r = dbt_session_turn(s, text);
    t->messages++;
    if (r->crisis) {
        t->fired++;
        char *const *hit =
            nallowed ? bsearch(&text, allowed, nallowed, sizeof *allowed, cmp_str) : NULL;
        if (hit) {
            allowed_seen[hit - allowed] = true;
        } else {
            printf("NOT ON THE ALLOW-LIST (%s) [%s] %s\n", set, r->category, text);
            t->unlisted++;
        }
    }
    dbt_session_free(s);
}

static void report(const tally *t, const char *set)
{
    printf("%s: %zu messages, %zu screened in (%.3f%%), %zu of them not on the allow-list "
           "(false-alarm rate %.3f%%)\n",
           set, t->messages, t->fired,
           t->messages ? 100.0 * (double)t->fired / (double)t->messages : 0.0, t->unlisted,
           t->messages ? 100.0 * (double)t->unlisted / (double)t->messages : 0.0);
}

static void test_dictionary_words(void **state)
{
    (void)state;
    const char *path = env_or("DBT_EVERYDAY_DICT", "/usr/share/dict/american-english");
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("skipped: no %s (Debian package wamerican)\n", path);
        skip();
        return;
    }
    tally t = {0, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
        squeeze(line);
        if (line[0])
            screen(&t, "words", line);
    }
    free(line);
    fclose(f);
    report(&t, "words");
    assert_true(t.messages > 50000);
    assert_int_equal(t.unlisted, 0);
}

/* Screen every entry of one fortune file: entries end at a line holding
 * only "%"; the lines of an entry become one message. */
static void screen_fortune_file(tally *t, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *entry = NULL;
    size_t len = 0;
    char *line = NULL;
    size_t cap = 0;
    bool more = true;
    while (more) {
        ssize_t n = getline(&line, &cap, f);
        more = n >= 0;
        if (more && strcmp(line, "%\n") != 0 && strcmp(line, "%") != 0) {
            entry = grow(entry, len + (size_t)n + 2);
            memcpy(entry + len, line, (size_t)n);
            len += (size_t)n;
            entry[len++] = ' ';
            entry[len] = '\0';
            continue;
        }
        if (entry) {
            squeeze(entry);
            if (entry[0])
                screen(t, "fortunes", entry);
        }
        len = 0;
        if (entry)
            entry[0] = '\0';
    }
    free(line);
    free(entry);
    fclose(f);
}

static void test_fortunes(void **state)
{
    (void)state;
    const char *dir = env_or("DBT_EVERYDAY_FORTUNES", "/usr/share/games/fortunes");
    DIR *d = opendir(dir);
    if (!d) {
        printf("skipped: no %s (Debian packages fortunes-min, fortunes)\n", dir);
        skip();
        return;
    }
    /* The text files are the names without a dot (x.dat is an index, x.u8 a
     * link to x); read them in a fixed order. */
    char **names = NULL;
    size_t nnames = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strchr(de->d_name, '.'))
            continue;
        names = grow(names, (nnames + 1) * sizeof *names);
        names[nnames++] = strdup(de->d_name);
    }
    closedir(d);
    if (nnames)
        qsort(names, nnames, sizeof *names, cmp_str);
    tally t = {0, 0, 0};
    for (size_t i = 0; i < nnames; i++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!stat(path, &st) && S_ISREG(st.st_mode))
            screen_fortune_file(&t, path);
        free(names[i]);
    }
    free(names);
    report(&t, "fortunes");
    assert_true(t.messages > 1000);
    assert_int_equal(t.unlisted, 0);
}

/* Entries that no longer fire are only noted: the list may shrink. */
static void test_allow_list_is_current(void **state)
{
    (void)state;
    size_t stale = 0;
    for (size_t i = 0; i < nallowed; i++)
        stale += !allowed_seen[i];
    printf("allow-list: %zu entries, %zu of them no longer screen in\n", nallowed, stale);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dictionary_words),
        cmocka_unit_test(test_fortunes),
        cmocka_unit_test(test_allow_list_is_current),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
