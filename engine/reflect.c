/*
 * reflect.c - the person's words said back: first and second person
 * swapped, text-speak read as words, hedges and fillers left out.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "text.h"

/*
 * Reflection: the person's words said back, first and second person swapped,
 * text-speak read as words ("n" -> "and", "r" -> "are") and hedges that only
 * pad an answer ("idk", "i guess", "like", "lol", "to be honest") left out,
 * the way a listener says back what was meant: "i could idk go for a walk i
 * guess" is "you could go for a walk". A capture that is nothing but hedges
 * is swapped as it is ("i guess" -> "you guess") and reported as no content.
 */

#define REFLECT_MAX_WORDS 256

typedef struct {
    const char *w; /* the word as typed */
    size_t n;
    const char *eff; /* NULL: the word itself; else what it stands for */
    bool drop;
} rword;

typedef struct {
    const char *s;
    size_t len;
    rword t[REFLECT_MAX_WORDS];
    size_t sep[REFLECT_MAX_WORDS + 1][2]; /* [i]: offset, length of the text before word i */
    size_t n;
} rtext;

static bool word_char(unsigned char c) { return isalnum(c) || c == '\'' || c >= 0x80; }

static bool word_eq(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != w[i])
            return false;
    return true;
}

/* Word i (as read, text-speak spelt out) equals w? Out of range: no. */
static bool tw(const rtext *r, size_t i, const char *w)
{
    if (i >= r->n)
        return false;
    if (r->t[i].eff)
        return !strcmp(r->t[i].eff, w);
    return word_eq(r->t[i].w, r->t[i].n, w);
}

/* Word i is one of the space-separated words of list. */
static bool tw_in(const rtext *r, size_t i, const char *list)
{
    if (i >= r->n)
        return false;
    const char *w = r->t[i].eff ? r->t[i].eff : r->t[i].w;
    size_t n = r->t[i].eff ? strlen(w) : r->t[i].n;
    if (n == 0 || n > 24)
        return false;
    char low[32];
    for (size_t k = 0; k < n; k++)
        low[k] = (char)tolower((unsigned char)w[k]);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ' ');
        size_t m = e ? (size_t)(e - p) : strlen(p);
        if (m == n && !memcmp(p, low, n))
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

/* The separator before word i holds one of these characters. */
static bool sep_has(const rtext *r, size_t i, const char *chars)
{
    for (size_t k = 0; k < r->sep[i][1]; k++)
        if (strchr(chars, r->s[r->sep[i][0] + k]))
            return true;
    return false;
}

/* Words i.. spell `phrase` (space-separated), joined by spaces only.
 * Returns how many words, 0 if not. */
static size_t phrase_at(const rtext *r, size_t i, const char *phrase)
{
    size_t k = 0;
    for (const char *p = phrase; *p; k++) {
        const char *e = strchr(p, ' ');
        size_t m = e ? (size_t)(e - p) : strlen(p);
        char w[24];
        if (m >= sizeof w || i + k >= r->n || (k && sep_has(r, i + k, ",.!?;:-()")))
            return 0;
        memcpy(w, p, m);
        w[m] = '\0';
        if (!tw(r, i + k, w))
            return 0;
        p = e ? e + 1 : p + m;
    }
    return k;
}

static void drop_range(rtext *r, size_t i, size_t k)
{
    for (size_t j = i; j < i + k && j < r->n; j++)
        r->t[j].drop = true;
}

/* First and last words still kept, from word i on / before word i. */
static size_t next_kept(const rtext *r, size_t i)
{
    while (i < r->n && r->t[i].drop)
        i++;
    return i;
}

static size_t prev_kept(const rtext *r, size_t i)
{
    while (i > 0 && r->t[i - 1].drop)
        i--;
    return i; /* the word before is i - 1; 0: none */
}

/* The character right before word i and right after it, as typed. */
static char before_ch(const rtext *r, size_t i)
{
    size_t off = (size_t)(r->t[i].w - r->s);
    return off ? r->s[off - 1] : ' ';
}

static char after_ch(const rtext *r, size_t i)
{
    size_t off = (size_t)(r->t[i].w - r->s) + r->t[i].n;
    return off < r->len ? r->s[off] : ' ';
}

/* Text-speak the normaliser leaves alone (one letter, or a word that is also
 * something else), read as words here only, where a sentence is said back:
 * "me n my mum" -> "me and my mum", "u r" -> "you are", "plan b" stays. */
static void read_textspeak(rtext *r)
{
    for (size_t i = 0; i < r->n; i++) {
        rword *t = &r->t[i];
        char b = before_ch(r, i), a = after_ch(r, i);
        bool alone = (b == ' ' || b == ',' || b == '(') &&
                     (a == ' ' || a == ',' || a == '.' || a == '!' || a == '?' || a == ')');
        if (word_eq(t->w, t->n, "n") && alone && i > 0 && i + 1 < r->n)
            t->eff = "and";
        else if (word_eq(t->w, t->n, "r") && alone)
            t->eff = "are";
        else if (word_eq(t->w, t->n, "b") && alone && i > 0 &&
                 tw_in(r, i - 1,
                       "to will would could should can might may must won't wont gonna cant "
                       "can't gotta i'll you'll it'll he'll she'll they'll we'll that'll not "
                       "wanna just i'd it'd always never"))
            t->eff = "be";
        else if (word_eq(t->w, t->n, "w") && alone && i > 0 && i + 1 < r->n &&
                 tw_in(r, i + 1,
                       "my your his her their our the a an him them me you us u ur friends "
                       "family people someone everyone"))
            t->eff = "with"; /* "the beach w my grandma" */
        else if (word_eq(t->w, t->n, "w") && a == '/' && b != '/') {
            size_t off = (size_t)(t->w - r->s) + t->n; /* at the '/' */
            if (i + 1 < r->n && word_eq(r->t[i + 1].w, r->t[i + 1].n, "o") &&
                r->sep[i + 1][1] == 1) {
                t->eff = "without";
                r->t[i + 1].drop = true;
                r->t[i + 1].eff = "";
                r->sep[i + 1][1] = 0;
            } else {
                t->eff = "with";
                if (i + 1 < r->n && r->sep[i + 1][1] == 1 && r->s[off] == '/') {
                    r->sep[i + 1][0] = off; /* "w/mum": read as "with mum" */
                    r->sep[i + 1][1] = 0;
                    t->eff = "with ";
                } else if (r->sep[i + 1][1] && r->s[r->sep[i + 1][0]] == '/') {
                    r->sep[i + 1][0]++;
                    r->sep[i + 1][1]--;
                }
            }
        } else if (word_eq(t->w, t->n, "sm") && alone && i > 0)
            t->eff = "so much";
        else if (word_eq(t->w, t->n, "prob") && alone && i + 1 < r->n &&
                 !(i > 0 && tw_in(r, i - 1, "no a the big my your small huge one that this")))
            t->eff = "probably";
        else if (word_eq(t->w, t->n, "id") && i + 1 < r->n &&
                 tw_in(r, i + 1,
                       "be feel rather like love go have say never just probably really "
                       "prob want hate get lose die cry still be"))
            t->eff = "i'd"; /* "id feel better" */
        else if (word_eq(t->w, t->n, "hes") || word_eq(t->w, t->n, "shes"))
            t->eff = t->w[0] == 'h' || t->w[0] == 'H' ? "he's" : "she's";
        else if (word_eq(t->w, t->n, "dunno"))
            t->eff = "don't know";
        else if ((word_eq(t->w, t->n, "your") || word_eq(t->w, t->n, "ur")) && i + 1 < r->n &&
                 tw_in(r, i + 1,
                       "not so going gonna right being always never just really too such "
                       "wrong welcome the a an"))
            t->eff = "you're"; /* "ur so right" */
    }
}

static bool is_number(const rtext *r, size_t i)
{
    return i < r->n && (isdigit((unsigned char)r->t[i].w[0]) ||
                        tw_in(r, i, "zero one two three four five six seven eight nine ten"));
}

/* A rating said along with the answer ("so anxious like a 9", "sad, 7/10")
 * is not part of what is said back: the rating is asked and kept apart. */
static bool drop_rating(rtext *r)
{
    size_t l = prev_kept(r, r->n);
    if (l < 2)
        return false;
    size_t i = l - 1;
    if (is_number(r, i) && i >= 2 && (sep_has(r, i, "/") || phrase_at(r, i - 2, "out of")) &&
        is_number(r, i - (sep_has(r, i, "/") ? 1 : 3)))
        i -= sep_has(r, i, "/") ? 1 : 3; /* "7/10", "7 out of 10" */
    if (!is_number(r, i) || i == 0)
        return false;
    if (tw_in(r, i - 1, "a an"))
        i--;
    if (i > 0 && tw_in(r, i - 1, "like maybe probably"))
        i--;
    if (i == 0 || (i == l - 1 && !sep_has(r, i, ",") && !isdigit((unsigned char)r->t[i].w[0])))
        return false; /* "i have one", "it was ten" stay */
    if (tw_in(r, i - 1,
              "is was it's its am i'm are feel felt be been got have has had slept took ate "
              "for after in on only than about around at till until by before to from past "
              "and or of"))
        return false; /* "it's a 9", "for 2": the number is the answer */
    drop_range(r, i, l - i);
    return true;
}

/* Words a listener would not say back. Marks them dropped; returns whether
 * anything was. */
static const char *const noise =
    "um umm ummm uh uhh uhm erm er hmm hmmm hm mm lol lool lmao lmfao rofl haha hahaha "
    "hehe xd tbh ngl imo ugh";
static const char *const know_what =
    "what what's whats how how's why when where where's who who's whom whose which if "
    "whether that anything much him her them it you me the a an my his their our your "
    "this these those enough about any anymore yet anyone anybody someone somebody "
    "myself himself herself themselves each either exactly for of half most all many "
    "everything something to her whats whos";
static const char *const lead_only =
    "honestly basically literally actually well yeah yea ya yep yes ok okay oh omg hmm "
    "maybe perhaps probably like so";
static const char *const end_only =
    "honestly basically literally actually maybe perhaps probably yeah yea lol";

static bool drop_hedges(rtext *r)
{
    bool any = false;
    for (size_t i = 0; i < r->n; i++) {
        size_t k;
        if (tw_in(r, i, noise)) {
            r->t[i].drop = any = true;
            continue;
        }
        if ((k = phrase_at(r, i, "to be honest"))) {
            if (!(i > 0 && tw_in(r, i - 1,
                                 "want wanted need needed try trying tried going have has had "
                                 "got like able decided hope plan meant mean wish afraid "
                                 "scared wanna just")) &&
                !tw_in(r, i + k, "with about and")) {
                drop_range(r, i, k);
                any = true;
            }
            i += k - 1;
            continue;
        }
        if ((k = phrase_at(r, i, "i'm not going to lie")) ||
            (k = phrase_at(r, i, "i am not going to lie")) ||
            (k = phrase_at(r, i, "not going to lie"))) {
            bool own = k < 5 && i > 0 &&
                       tw_in(r, i - 1,
                             "i'm am is are was were he's she's they're you're we're it's he "
                             "she they we you i");
            if (!own && !tw_in(r, i + k, "to about for")) {
                drop_range(r, i, k);
                any = true;
            }
            i += k - 1;
            continue;
        }
        if ((k = phrase_at(r, i, "in my opinion"))) {
            drop_range(r, i, k);
            any = true;
            i += k - 1;
            continue;
        }
        if ((k = phrase_at(r, i, "i don't even know")) || (k = phrase_at(r, i, "i don't know")) ||
            (k = phrase_at(r, i, "i do not know")) || (k = phrase_at(r, i, "i dont know")) ||
            (k = phrase_at(r, i, "i don't really know")) || (k = phrase_at(r, i, "idk")) ||
            (k = phrase_at(r, i, "idek"))) {
            if (i + k >= r->n || sep_has(r, i + k, ",.!?;:-") || !tw_in(r, i + k, know_what)) {
                drop_range(r, i, k);
                any = true;
            }
            i += k - 1;
            continue;
        }
        if ((k = phrase_at(r, i, "i guess")) || (k = phrase_at(r, i, "i suppose")) ||
            (k = phrase_at(r, i, "i reckon")) || (k = phrase_at(r, i, "i mean")) ||
            (k = phrase_at(r, i, "i think"))) {
            bool think = tw(r, i + 1, "think");
            bool inside = i > 0 && tw_in(r, i - 1, "what that which who how if whatever");
            bool clause = i == 0 && tw_in(r, i + k,
                                          "i i'm i've i'll i'd he she they it it's that this "
                                          "we you my his her their there the someone people");
            if (!inside && !(think && clause) && !tw_in(r, i + k, "so not")) {
                drop_range(r, i, k);
                any = true;
            }
            i += k - 1;
            continue;
        }
        if ((k = phrase_at(r, i, "you know"))) {
            bool end = i + k >= r->n;
            bool commas = (i == 0 || sep_has(r, i, ",")) && (end || sep_has(r, i + k, ","));
            if ((end && i > 0) || (commas && i > 0)) {
                drop_range(r, i, k);
                any = true;
            }
            i += k - 1;
            continue;
        }
        if (tw(r, i, "like") && i + 1 < r->n) {
            bool commas = sep_has(r, i + 1, ","); /* "like, really"; ", like you" stays */
            bool number = isdigit((unsigned char)r->t[i + 1].w[0]) ||
                          (tw_in(r, i + 1, "a an about around") && i + 2 < r->n &&
                           (isdigit((unsigned char)r->t[i + 2].w[0]) ||
                            tw_in(r, i + 2,
                                  "second minute hour day week month year bit while few "
                                  "couple")));
            bool intens = tw_in(r, i + 1,
                                "so really super totally literally just very kinda "
                                "actually") &&
                          !(i > 0 && tw_in(r, i - 1,
                                           "feel feels felt look looks looked seem seems seemed "
                                           "sound sounds something nothing anything be would "
                                           "i'd you'd don't didn't i you we they"));
            if (i > 0 && (commas || number || intens)) {
                r->t[i].drop = any = true;
            }
            continue;
        }
    }
    if (drop_rating(r))
        any = true;
    /* At the edges: leading discourse words, trailing hedges and tags. */
    for (bool again = true; again;) {
        again = false;
        size_t f = next_kept(r, 0);
        if (f + 1 < r->n && next_kept(r, f + 1) < r->n) {
            bool lead = tw_in(r, f, lead_only);
            if (tw_in(r, f, "maybe perhaps probably") &&
                tw_in(r, next_kept(r, f + 1),
                      "i i'm i've i'll i'd he he's she she's they they're it it's that this we "
                      "you my there"))
                lead = false; /* "maybe i'm overreacting": the doubt is the point */
            if (tw_in(r, f, "so like") && !sep_has(r, next_kept(r, f + 1), ",") &&
                !tw_in(r, next_kept(r, f + 1), "i i'm i've yeah idk um uh"))
                lead = tw(r, f, "like"); /* "so tired" stays; "like a weight" drops */
            if (lead) {
                r->t[f].drop = any = again = true;
                continue;
            }
        }
        size_t l = prev_kept(r, r->n);
        if (l >= 2 && prev_kept(r, l - 1) > 0) {
            size_t w = l - 1;
            if (tw_in(r, w, end_only)) {
                r->t[w].drop = any = again = true;
                continue;
            }
            static const char *const tags[] = {
                "or something", "or whatever", "or anything", "or smth", "or sth",  "and stuff",
                "n stuff",      "and things",  "and whatnot", "kind of", "sort of", "so yeah"};
            for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
                size_t m = 1 + (size_t)(strchr(tags[t], ' ') != NULL);
                if (prev_kept(r, w + 1 - m) > 0 && phrase_at(r, w + 1 - m, tags[t]) == m &&
                    next_kept(r, w + 1 - m) == w + 1 - m) {
                    drop_range(r, w + 1 - m, m);
                    any = again = true;
                    break;
                }
            }
        }
    }
    return any;
}

static bool dropped_before(const rtext *r, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (r->t[j].drop && !(r->t[j].eff && !*r->t[j].eff))
            return true;
    return false;
}

/* After hedges went from an edge, a bare "and", "but" left there goes too. */
static void tidy_edges(rtext *r)
{
    size_t f = next_kept(r, 0);
    if (f < r->n && dropped_before(r, f) && tw_in(r, f, "and but or so") &&
        next_kept(r, f + 1) < r->n && !tw(r, f, "so"))
        r->t[f].drop = true;
    size_t l = prev_kept(r, r->n);
    if (l > 0 && l < r->n && tw_in(r, l - 1, "and but or because cause so") &&
        prev_kept(r, l - 1) > 0)
        r->t[l - 1].drop = true;
}

/* Only filler? Then nothing content-bearing is left after dropping. */
static bool content_left(const rtext *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->t[i].drop &&
            !tw_in(r, i, "so not yes no yeah ok okay sure fine and but or i you it is just"))
            return true;
    return false;
}

static const struct {
    const char *from, *to;
} pairs[] = {
    {"i am", "you are"},       {"i was", "you were"},      {"i wasn't", "you weren't"},
    {"was i", "were you"},     {"you are", "I am"},        {"you were", "I was"},
    {"are you", "am I"},       {"were you", "was I"},      {"am i", "are you"},
    {"you aren't", "I'm not"}, {"aren't you", "aren't I"}, {"weren't you", "wasn't I"},
};

static const struct {
    const char *from, *to;
} words[] = {
    {"i", "you"},
    {"me", "you"},
    {"my", "your"},
    {"mine", "yours"},
    {"myself", "yourself"},
    {"i'm", "you're"},
    {"im", "you're"},
    {"i've", "you've"},
    {"ive", "you've"},
    {"i'll", "you'll"},
    {"i'd", "you'd"},
    {"am", "are"},
    {"we", "you"},
    {"us", "you"},
    {"our", "your"},
    {"ours", "yours"},
    {"ourselves", "yourselves"},
    {"we're", "you're"},
    {"we've", "you've"},
    {"we'll", "you'll"},
    {"your", "my"},
    {"yours", "mine"},
    {"yourself", "myself"},
    {"you're", "I'm"},
    {"youre", "I'm"},
    {"you've", "I've"},
    {"you'll", "I'll"},
    {"you'd", "I'd"},
    {"you", "me"},
    {"u", "me"},
    {"ur", "my"},
};

/* Is "you" at kept word i the one doing something ("I")? */
static bool you_subject(const rtext *r, const size_t *kept, size_t nk, size_t m)
{
    if (m == 0)
        return true;
    size_t i = kept[m], p = kept[m - 1];
    if (sep_has(r, i, ".!?;:,") && i == p + 1)
        return true;
    if (tw_in(r, p,
              "do does did don't doesn't didn't can can't could couldn't would wouldn't will "
              "won't should shouldn't have haven't has had hadn't might must but because cause "
              "cuz so if when whenever until since while though although that before after "
              "unless why how where what who think thought know knew feel felt guess hope wish "
              "bet said mean believe suppose maybe"))
        return true;
    return m + 1 < nk &&
           tw_in(r, kept[m + 1],
                 "don't do did didn't can can't could will won't would should never always just "
                 "hate love think said say want need have had make made keep know knew feel get "
                 "got even really also still only");
}

static const char *swap_word(const rtext *r, size_t i)
{
    if (r->t[i].n <= 2 && !r->t[i].eff &&
        (strchr("-&/", before_ch(r, i)) || strchr("-&/", after_ch(r, i))))
        return NULL; /* "u-turn", "r&b": not a pronoun */
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (tw(r, i, words[k].from))
            return words[k].to;
    return NULL;
}

static void add_word(const rtext *r, size_t i, strbuf *out)
{
    if (r->t[i].eff)
        sb_adds(out, r->t[i].eff);
    else
        sb_addn(out, r->t[i].w, r->t[i].n);
}

/* The separator to write before kept word kept[m]. */
/* The opening quotes and brackets in the separator before word `i`: they
 * stay when the words before them are left out ("idk \"just bad\""). */
static void add_openers(const rtext *r, size_t i, strbuf *out)
{
    const char *sep = r->s + r->sep[i][0];
    size_t n = r->sep[i][1], k = n; /* sep[k..n) is what is kept */
    while (k > 0) { /* only those right before the word: a quote after a space opens */
        unsigned char c = (unsigned char)sep[k - 1];
        if (c == '"' || c == '(')
            k--;
        else if (k >= 3 && (c == 0x9c || c == 0x98) && !memcmp(sep + k - 3, "\xe2\x80", 2))
            k -= 3; /* opening curly quotes */
        else
            break;
    }
    sb_addn(out, sep + k, n - k);
}

static void add_sep(const rtext *r, const size_t *kept, size_t m, strbuf *out)
{
    size_t i = kept[m];
    if (m == 0) {
        if (i == 0)
            sb_addn(out, r->s + r->sep[0][0], r->sep[0][1]);
        else
            add_openers(r, i, out);
        return;
    }
    size_t p = kept[m - 1];
    if (i == p + 1) {
        sb_addn(out, r->s + r->sep[i][0], r->sep[i][1]);
        return;
    }
    /* Words were left out between: keep real punctuation, not the commas
     * that only fenced the hedge off. */
    for (size_t j = p + 1; j <= i; j++)
        if (sep_has(r, j, ".!?;:")) {
            sb_addn(out, r->s + r->sep[j][0], r->sep[j][1]);
            return;
        }
    bool c1 = sep_has(r, p + 1, ","), c2 = sep_has(r, i, ",");
    sb_adds(out, c1 != c2 ? ", " : " ");
    add_openers(r, i, out);
}

bool text_reflect(const char *s, size_t len, strbuf *out)
{
    rtext r;
    r.s = s;
    r.len = len;
    r.n = 0;
    size_t i = 0, sa = 0;
    while (i < len) {
        if (!word_char((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < len && word_char((unsigned char)s[i]))
            i++;
        r.sep[r.n][0] = sa;
        r.sep[r.n][1] = a - sa;
        r.t[r.n] = (rword){s + a, i - a, NULL, false};
        r.n++;
        sa = i;
        if (r.n == REFLECT_MAX_WORDS) /* a long ramble: the rest as one separator */
            break;
    }
    r.sep[r.n][0] = sa;
    r.sep[r.n][1] = len - sa;

    read_textspeak(&r);
    bool content = true;
    if (drop_hedges(&r)) {
        tidy_edges(&r);
        if (!content_left(&r)) { /* only hedges: say them back as they are */
            content = false;
            for (size_t j = 0; j < r.n; j++)
                if (!(r.t[j].eff && !*r.t[j].eff))
                    r.t[j].drop = false;
        }
    }

    size_t kept[REFLECT_MAX_WORDS], nk = 0;
    for (size_t j = 0; j < r.n; j++)
        if (!r.t[j].drop)
            kept[nk++] = j;
    for (size_t m = 0; m < nk; m++) {
        size_t w = kept[m];
        add_sep(&r, kept, m, out);
        /* A two-word pair "i am" -> "you are", separated by one space. */
        if (m + 1 < nk && kept[m + 1] == w + 1 && r.sep[w + 1][1] == 1 &&
            r.s[r.sep[w + 1][0]] == ' ') {
            bool done = false;
            for (size_t k = 0; k < sizeof pairs / sizeof pairs[0] && !done; k++) {
                const char *sp = strchr(pairs[k].from, ' ');
                char w1[16];
                memcpy(w1, pairs[k].from, (size_t)(sp - pairs[k].from));
                w1[sp - pairs[k].from] = '\0';
                if (tw(&r, w, w1) && tw(&r, w + 1, sp + 1)) {
                    bool you = !strcmp(w1, "you");
                    if (you && !you_subject(&r, kept, nk, m))
                        continue; /* "told you were" is rare; "help you are" rarer */
                    sb_adds(out, pairs[k].to);
                    done = true;
                }
            }
            if (done) {
                m++;
                continue;
            }
        }
        const char *to = swap_word(&r, w);
        if (to && (tw(&r, w, "you") || tw(&r, w, "u")) && you_subject(&r, kept, nk, m))
            to = "I";
        if (to)
            sb_adds(out, to);
        else
            add_word(&r, w, out);
    }
    /* What came after the last word: its closing punctuation, if any. */
    if (nk) {
        size_t last = kept[nk - 1];
        size_t off = r.sep[r.n][0], n = r.sep[r.n][1];
        if (last + 1 == r.n || r.n == REFLECT_MAX_WORDS)
            sb_addn(out, s + off, n);
        else {
            while (n && strchr(" ,", s[off])) {
                off++;
                n--;
            }
            sb_addn(out, s + off, n);
        }
    } else {
        sb_addn(out, s + r.sep[0][0], len - r.sep[0][0]);
    }
    return content;
}
