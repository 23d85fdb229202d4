/*
 * choice.c - reads a reference to an offered choice out of a short message.
 * It only names a number; the turn decides whether to take it.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "choice.h"

/* Words around a reference that do not change it ("let's do the 2nd one"). */
static const char *const FILLER[] = {
    "the",  "option", "number", "no",  "choice", "please",   "pls",   "plz",  "i",      "guess",
    "lets", "let's",  "let",    "us",  "do",     "go",       "with",  "pick", "choose", "take",
    "want", "ill",    "i'll",   "id",  "i'd",    "like",     "maybe", "uh",   "um",     "umm",
    "ok",   "okay",   "k",      "try", "prob",   "probably", "think", "that", "skill",  "thanks",
    "then", "for",    "me",     "one", "just",   "hmm",      "yeah",  "yes",  "sure",   "a",
};

static const char *const NUMBERS[][4] = {
    {"1", "one", "first", "1st"},     {"2", "two", "second", "2nd"},
    {"3", "three", "third", "3rd"},   {"4", "four", "fourth", "4th"},
    {"5", "five", "fifth", "5th"},    {"6", "six", "sixth", "6th"},
    {"7", "seven", "seventh", "7th"}, {"8", "eight", "eighth", "8th"},
};

static bool is_word(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && !strncasecmp(w, list[i], n))
            return true;
    return false;
}

/* The next word of s[*i..len) in *w, *wn: 1, or 0 at the end, or -1 at a
 * sign that is not in `seps` (NULL: any sign is passed over). */
static int next_word(const char *s, size_t len, size_t *i, const char **w, size_t *wn,
                     const char *seps)
{
    while (*i < len && !isalnum((unsigned char)s[*i]) && s[*i] != '\'') {
        if (seps && !strchr(seps, s[*i]))
            return -1;
        (*i)++;
    }
    size_t b = *i;
    while (*i < len && (isalnum((unsigned char)s[*i]) || s[*i] == '\''))
        (*i)++;
    *w = s + b;
    *wn = *i - b;
    return *wn > 0;
}

int choice_ref(const char *s, size_t len, int n)
{
    int found = 0, words = 0;
    bool one = false;
    const char *w;
    size_t wn, i = 0;
    for (int got; (got = next_word(s, len, &i, &w, &wn, " \t#.,!?:)-")) != 0;) {
        if (got < 0)
            return 0; /* other signs: a sentence, not a reference */
        if (++words > 8)
            return 0;
        int k = 0;
        for (int r = 0; r < 8 && !k; r++)
            if (is_word(w, wn, NUMBERS[r], 4))
                k = r + 1;
        if (wn == 4 && !strncasecmp(w, "last", 4))
            k = n;
        if (k == 1 && wn == 3 && !strncasecmp(w, "one", 3)) {
            one = true; /* "one", or "the second one" */
            continue;
        }
        if (k) {
            if (found && found != k)
                return 0;
            found = k;
            continue;
        }
        if (!is_word(w, wn, FILLER, sizeof FILLER / sizeof FILLER[0]))
            return 0;
    }
    if (!found && one)
        found = 1;
    return found >= 1 && found <= n ? found : 0;
}

/* Words of a description reference that say nothing of which one. */
static const char *const DESC_FILLER[] = {
    "about", "with",      "where", "you",   "your", "thing", "part", "stuff", "something",
    "said",  "mentioned", "does",  "helps", "help", "was",   "is",   "it",    "of",
    "to",    "and",       "or",    "on",    "in",   "my",    "what", "which",
};

/* Does word `w` (lowercase) appear in `text`: the same word, or one sharing
 * its first five letters ("breathe", "breathing")? */
static bool in_text(const char *w, size_t n, const char *text)
{
    size_t pre = n < 5 ? n : 5, len = strlen(text), i = 0, un;
    const char *b;
    while (next_word(text, len, &i, &b, &un, NULL))
        if ((un == n && !strncasecmp(b, w, n)) || (n >= 4 && un >= pre && !strncasecmp(b, w, pre)))
            return true;
    return false;
}

int choice_describe(const char *s, size_t len, const char *const *texts, int n)
{
    int found = 0, words = 0;
    bool one = false;
    const char *w;
    size_t wn, i = 0;
    while (next_word(s, len, &i, &w, &wn, NULL)) {
        if (++words > 7)
            return 0;
        if (wn == 3 && !strncasecmp(w, "one", 3)) {
            one = true;
            continue;
        }
        if (wn < 3 || is_word(w, wn, FILLER, sizeof FILLER / sizeof FILLER[0]) ||
            is_word(w, wn, DESC_FILLER, sizeof DESC_FILLER / sizeof DESC_FILLER[0]))
            continue;
        int k = 0;
        for (int c = 0; c < n; c++)
            if (texts[c] && in_text(w, wn, texts[c])) {
                if (k)
                    return 0; /* in two of them: not telling them apart */
                k = c + 1;
            }
        if (!k || (found && found != k))
            return 0;
        found = k;
    }
    return one ? found : 0;
}
