/*
 * normalise.c - spelling normalisation of what a person typed, before the
 * screen and the rules read it: shorthand ("kms", "idk") spelt out,
 * elongation ("soooo") undone, digits used as letters ("k1ll") read as
 * letters, and single typos of the scripts' own words corrected. A word the
 * scripts use, or one of the `ordinary:` words, is never changed, and no
 * rule here makes a new word out of one that was already right ("odd" stays
 * "odd"). It knows no model and runs no pattern.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "normalise.h"

enum { WORD_MAX = 48, PHRASE_WORDS = 3 };

/* A string -> number map, open addressing. Keys are owned copies. */
typedef struct smap {
    char **k;
    uint32_t *klen;
    uint32_t *v;
    size_t cap, n;
} smap;

/* A deletion of a vocabulary word, chained to the others with its key. */
typedef struct dlink {
    uint32_t word, next;
} dlink;

struct normaliser {
    smap known;   /* never corrected */
    smap foreign; /* words of the other languages' screens: never corrected,
                     and a message with one is not corrected at all */
    bool adding_foreign;
    smap vocab; /* correction targets -> index in words */
    char **words;
    size_t nwords, capwords;
    smap dels; /* a word with one letter deleted -> first dlink */
    dlink *links;
    size_t nlinks, caplinks;
    smap shorthand; /* "kms" -> index in repl */
    char **repl;
    size_t nrepl, caprepl;
};

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static size_t slot(const smap *m, const char *s, size_t n)
{
    size_t i = (size_t)hash(s, n) & (m->cap - 1);
    while (m->k[i] && !(m->klen[i] == n && !memcmp(m->k[i], s, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static const uint32_t *smap_get(const smap *m, const char *s, size_t n)
{
    if (!m->cap)
        return NULL;
    size_t i = slot(m, s, n);
    return m->k[i] ? &m->v[i] : NULL;
}

static bool smap_grow(smap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    smap g = {mem_alloc(cap * sizeof(char *)), mem_alloc(cap * sizeof(uint32_t)),
              mem_alloc(cap * sizeof(uint32_t)), cap, m->n};
    if (!g.k || !g.klen || !g.v) {
        mem_free(g.k);
        mem_free(g.klen);
        mem_free(g.v);
        return false;
    }
    memset(g.k, 0, cap * sizeof(char *));
    for (size_t i = 0; i < m->cap; i++)
        if (m->k[i]) {
            size_t j = slot(&g, m->k[i], m->klen[i]);
            g.k[j] = m->k[i];
            g.klen[j] = m->klen[i];
            g.v[j] = m->v[i];
        }
    mem_free(m->k);
    mem_free(m->klen);
    mem_free(m->v);
    *m = g;
    return true;
}

/* Put `s` with value `v` unless it is there; `*at` points at its value. */
static bool smap_put(smap *m, const char *s, size_t n, uint32_t v, uint32_t **at)
{
    if (((m->n + 1) * 2 > m->cap && !smap_grow(m)) || !m->v)
        return false;
    size_t i = slot(m, s, n);
    if (!m->k[i]) {
        m->k[i] = mem_strndup(s, n);
        if (!m->k[i])
            return false;
        m->klen[i] = (uint32_t)n;
        m->v[i] = v;
        m->n++;
    }
    if (at)
        *at = &m->v[i];
    return true;
}

static void smap_free(smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        mem_free(m->k[i]);
    mem_free(m->k);
    mem_free(m->klen);
    mem_free(m->v);
}

normaliser *nz_new(void)
{
    normaliser *nz = mem_alloc(sizeof *nz);
    if (nz)
        memset(nz, 0, sizeof *nz);
    return nz;
}

void nz_free(normaliser *nz)
{
    if (!nz)
        return;
    smap_free(&nz->known);
    smap_free(&nz->foreign);
    smap_free(&nz->vocab);
    smap_free(&nz->dels);
    smap_free(&nz->shorthand);
    for (size_t i = 0; i < nz->nwords; i++)
        mem_free(nz->words[i]);
    mem_free(nz->words);
    for (size_t i = 0; i < nz->nrepl; i++)
        mem_free(nz->repl[i]);
    mem_free(nz->repl);
    mem_free(nz->links);
    mem_free(nz);
}

static bool grow_ptrs(char ***v, size_t n, size_t *cap)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 256;
    char **nv = mem_realloc(*v, c * sizeof *nv);
    if (!nv)
        return false;
    *v = nv;
    *cap = c;
    return true;
}

/* Lowercase ASCII letters, digits and apostrophes only (and at most
 * WORD_MAX bytes): the words typos are corrected in and into. */
static bool plain_word(const char *w, size_t n)
{
    if (!n || n > WORD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)w[i]) && w[i] != '\'')
            return false;
    return true;
}

bool nz_add_known(normaliser *nz, const char *word, size_t len)
{
    return len > WORD_MAX ||
           smap_put(nz->adding_foreign ? &nz->foreign : &nz->known, word, len, 0, NULL);
}

void nz_foreign(normaliser *nz, bool on) { nz->adding_foreign = on; }

bool nz_add_vocab(normaliser *nz, const char *word, size_t len)
{
    if (!nz_add_known(nz, word, len))
        return false;
    if (nz->adding_foreign || len < 4 || !plain_word(word, len) || smap_get(&nz->vocab, word, len))
        return true;
    if (!grow_ptrs(&nz->words, nz->nwords, &nz->capwords))
        return false;
    char *w = mem_strndup(word, len);
    if (!w || !smap_put(&nz->vocab, word, len, (uint32_t)nz->nwords, NULL)) {
        mem_free(w);
        return false;
    }
    nz->words[nz->nwords++] = w;
    return true;
}

static bool word_byte(unsigned char c) { return isalnum(c) || c == '\'' || c >= 0x80; }

bool nz_add_text(normaliser *nz, const char *text, bool vocab)
{
    char buf[WORD_MAX + 1];
    for (const char *p = text; *p;) {
        if (!word_byte((unsigned char)*p) || *p == '\'') {
            p++;
            continue;
        }
        size_t n = 0;
        while (word_byte((unsigned char)p[n]))
            n++;
        if (n <= WORD_MAX) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (char)tolower((unsigned char)p[i]);
            if (!(vocab ? nz_add_vocab(nz, buf, n) : nz_add_known(nz, buf, n)))
                return false;
        }
        p += n;
    }
    return true;
}

bool nz_add_shorthand(normaliser *nz, const char *from, const char *to)
{
    if (!grow_ptrs(&nz->repl, nz->nrepl, &nz->caprepl))
        return false;
    uint32_t *at;
    if (!smap_put(&nz->shorthand, from, strlen(from), (uint32_t)nz->nrepl, &at))
        return false;
    if (*at != nz->nrepl)
        return true; /* the first one said wins */
    nz->repl[nz->nrepl] = mem_strndup(to, strlen(to));
    if (!nz->repl[nz->nrepl])
        return false;
    nz->nrepl++;
    /* The words it stands for are words: never corrected. */
    return nz_add_text(nz, to, false);
}

static bool add_link(normaliser *nz, const char *key, size_t n, uint32_t word)
{
    if (nz->nlinks == nz->caplinks) {
        size_t c = nz->caplinks ? nz->caplinks * 2 : 4096;
        dlink *nl = mem_realloc(nz->links, c * sizeof *nl);
        if (!nl)
            return false;
        nz->links = nl;
        nz->caplinks = c;
    }
    uint32_t *head;
    if (!smap_put(&nz->dels, key, n, UINT32_MAX, &head))
        return false;
    nz->links[nz->nlinks].word = word;
    nz->links[nz->nlinks].next = *head;
    *head = (uint32_t)nz->nlinks++;
    return true;
}

bool nz_finish(normaliser *nz)
{
    char del[WORD_MAX + 1];
    for (size_t w = 0; w < nz->nwords; w++) {
        const char *s = nz->words[w];
        size_t n = strlen(s);
        if (!add_link(nz, s, n, (uint32_t)w))
            return false;
        for (size_t i = 0; i < n; i++) {
            memcpy(del, s, i);
            memcpy(del + i, s + i + 1, n - i - 1);
            if (!add_link(nz, del, n - 1, (uint32_t)w))
                return false;
        }
    }
    return true;
}

bool nz_within_one(const char *a, size_t la, const char *b, size_t lb)
{
    if (la < lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    if (la - lb > 1)
        return false;
    size_t i = 0;
    while (i < lb && a[i] == b[i])
        i++;
    if (i == lb)
        return true; /* equal, or one letter more at the end */
    if (la > lb)
        return !memcmp(a + i + 1, b + i, lb - i);
    if (!memcmp(a + i + 1, b + i + 1, la - i - 1))
        return true; /* one substitution */
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           !memcmp(a + i + 2, b + i + 2, la - i - 2); /* two letters swapped */
}

static bool is_known(const normaliser *nz, const char *w, size_t n)
{
    return smap_get(&nz->known, w, n) || smap_get(&nz->foreign, w, n);
}

/* Does the text hold a word only another language's screen uses? Then it
 * is likely not English, and no word of it is corrected into English. */
static bool looks_foreign(const normaliser *nz, const char *in, size_t len)
{
    char w[WORD_MAX + 1];
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)in[i])) {
            i++;
            continue;
        }
        size_t n = 0;
        while (i + n < len && word_byte((unsigned char)in[i + n]))
            n++;
        if (n <= WORD_MAX) {
            for (size_t k = 0; k < n; k++)
                w[k] = (char)tolower((unsigned char)in[i + k]);
            if (smap_get(&nz->foreign, w, n) && !smap_get(&nz->known, w, n))
                return true;
        }
        i += n;
    }
    return false;
}

/* Is one of a and b the other with an ending ("argument", "arguments")?
 * Then it is another form of the word, not a typo of it. */
static bool inflection(const char *a, size_t la, const char *b, size_t lb)
{
    if (la < lb) {
        const char *t = a;
        a = b;
        b = t;
        size_t tl = la;
        la = lb;
        lb = tl;
    }
    if (memcmp(a, b, lb) != 0)
        return false;
    const char *end = a + lb;
    size_t n = la - lb;
    return (n == 1 && (*end == 's' || *end == 'd' || *end == 'y' || *end == 'e')) ||
           (n == 2 && (!memcmp(end, "es", 2) || !memcmp(end, "ed", 2) || !memcmp(end, "'s", 2) ||
                       !memcmp(end, "er", 2) || !memcmp(end, "ly", 2)));
}

/* The one vocabulary word within one edit of `w`, or NULL when there is
 * none or more than one. Four-letter words are corrected only for two
 * swapped letters; shorter ones never. */
static const char *correct(const normaliser *nz, const char *w, size_t n)
{
    if (n < 4 || !nz->dels.cap)
        return NULL;
    const char *best = NULL;
    char del[WORD_MAX + 1];
    for (size_t i = 0; i <= n; i++) {
        const char *key = w;
        size_t kn = n;
        if (i < n) {
            memcpy(del, w, i);
            memcpy(del + i, w + i + 1, n - i - 1);
            key = del;
            kn = n - 1;
        }
        const uint32_t *head = smap_get(&nz->dels, key, kn);
        for (uint32_t k = head ? *head : UINT32_MAX; k != UINT32_MAX; k = nz->links[k].next) {
            const char *v = nz->words[nz->links[k].word];
            size_t vn = strlen(v);
            if (vn == n && !memcmp(v, w, n))
                return NULL; /* already a word */
            if (!nz_within_one(w, n, v, vn) || (n < 5 && vn != n) || inflection(w, n, v, vn))
                continue;
            if (n < 5) { /* only a swap: the same letters */
                size_t d = 0;
                for (size_t q = 0; q < n; q++)
                    d += w[q] != v[q];
                if (d != 2)
                    continue;
            }
            if (best && strcmp(best, v) != 0)
                return NULL; /* two words are as close: leave it */
            best = v;
        }
    }
    return best;
}

/* Runs of three or more of one letter: try each run as two letters and as
 * one (up to three runs), and keep the first spelling that is a word. */
static bool unstretch(const normaliser *nz, const char *w, size_t n, char *out, size_t *on)
{
    size_t runs[3][2];
    int nr = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && w[j] == w[i])
            j++;
        if (j - i >= 3 && isalpha((unsigned char)w[i])) {
            if (nr == 3)
                return false;
            runs[nr][0] = i;
            runs[nr][1] = j;
            nr++;
        }
        i = j;
    }
    if (!nr)
        return false;
    for (int mask = 0; mask < (1 << nr); mask++) {
        size_t o = 0, prev = 0;
        for (int r = 0; r < nr; r++) {
            memcpy(out + o, w + prev, runs[r][0] - prev);
            o += runs[r][0] - prev;
            size_t keep = (mask & (1 << r)) ? 1 : 2;
            memset(out + o, w[runs[r][0]], keep);
            o += keep;
            prev = runs[r][1];
        }
        memcpy(out + o, w + prev, n - prev);
        o += n - prev;
        *on = o;
        if (is_known(nz, out, o) || mask == (1 << nr) - 1) {
            if (!is_known(nz, out, o)) { /* none is a word: two of each, as typed best */
                size_t o2 = 0;
                prev = 0;
                for (int r = 0; r < nr; r++) {
                    memcpy(out + o2, w + prev, runs[r][0] - prev);
                    o2 += runs[r][0] - prev;
                    memset(out + o2, w[runs[r][0]], 2);
                    o2 += 2;
                    prev = runs[r][1];
                }
                memcpy(out + o2, w + prev, n - prev);
                *on = o2 + n - prev;
            }
            return true;
        }
    }
    return false;
}

/* Digits and signs used as letters ("k1ll", "su1c1de", "$elf"), when that
 * spells a word the scripts use. */
static bool unleet(const normaliser *nz, const char *w, size_t n, char *out)
{
    static const char from[] = "1340@$5!7", to[] = "ieoaassit";
    bool any = false, letters = false;
    for (size_t i = 0; i < n; i++) {
        const char *f = strchr(from, w[i]);
        out[i] = f && w[i] ? to[f - from] : w[i];
        any |= f && w[i];
        letters |= isalpha((unsigned char)w[i]) != 0;
    }
    return any && letters && smap_get(&nz->vocab, out, n);
}

/* The spelling of one lowercase token to use, into `out`; false to keep it.
 * `typos`: also digits as letters and typos of the vocabulary. */
static bool respell(const normaliser *nz, const char *w, size_t n, bool typos, char *out,
                    size_t *on)
{
    if (is_known(nz, w, n))
        return false;
    if (typos && unleet(nz, w, n, out)) {
        *on = n;
        return true;
    }
    char tmp[WORD_MAX + 1];
    size_t tn = n;
    bool changed = unstretch(nz, w, n, tmp, &tn);
    if (!changed) {
        memcpy(tmp, w, n);
        tn = n;
    }
    const char *fix =
        typos && !is_known(nz, tmp, tn) && plain_word(tmp, tn) ? correct(nz, tmp, tn) : NULL;
    if (fix) {
        *on = strlen(fix);
        memcpy(out, fix, *on);
        return true;
    }
    if (changed) {
        memcpy(out, tmp, tn);
        *on = tn;
    }
    return changed;
}

static bool token_byte(unsigned char c) { return word_byte(c) || c == '@' || c == '$'; }

/* Is the word before `at` a number or a word for an amount ("10", "a few",
 * "several")? Then a shorthand after it is a unit ("10 kms"), left as it is. */
static bool quantity_before(const char *in, size_t at)
{
    static const char *const amounts[] = {"few", "several", "couple"};
    size_t e = at;
    while (e > 0 && in[e - 1] == ' ')
        e--;
    size_t b = e;
    while (b > 0 && isalnum((unsigned char)in[b - 1]))
        b--;
    if (b == e || e == at)
        return false;
    bool digits = true;
    for (size_t k = b; k < e; k++)
        digits &= isdigit((unsigned char)in[k]) != 0;
    if (digits)
        return true;
    for (size_t k = 0; k < sizeof amounts / sizeof amounts[0]; k++)
        if (strlen(amounts[k]) == e - b && !strncasecmp(in + b, amounts[k], e - b))
            return true;
    return false;
}

bool nz_apply(const normaliser *nz, const char *in, size_t len, bool typos, strbuf *out)
{
    bool changed = false;
    char low[PHRASE_WORDS * (WORD_MAX + 1)], fix[WORD_MAX + 1];
    if (typos && looks_foreign(nz, in, len))
        typos = false;
    size_t i = 0;
    while (i < len) {
        if (!token_byte((unsigned char)in[i]) || in[i] == '\'') {
            sb_addc(out, in[i++]);
            continue;
        }
        /* Shorthand of up to three words, the longest first. */
        size_t ends[PHRASE_WORDS] = {0}, nw = 0, j = i, ln = 0;
        bool too_long = false;
        while (nw < PHRASE_WORDS && j < len && token_byte((unsigned char)in[j])) {
            size_t a = j;
            while (j < len && token_byte((unsigned char)in[j]))
                j++;
            if (j - a > WORD_MAX) {
                too_long = true;
                break;
            }
            if (nw)
                low[ln++] = ' ';
            for (size_t q = a; q < j; q++)
                low[ln++] = (char)tolower((unsigned char)in[q]);
            ends[nw++] = ln;
            if (j + 1 < len && (in[j] == ' ' || in[j] == '-') &&
                token_byte((unsigned char)in[j + 1]) && in[j + 1] != '\'')
                j++;
            else
                break;
        }
        size_t tok_end = i;
        while (tok_end < len && token_byte((unsigned char)in[tok_end]))
            tok_end++;
        if (too_long || !nw || tok_end - i > WORD_MAX) {
            sb_addn(out, in + i, tok_end - i);
            i = tok_end;
            continue;
        }
        bool done = false, unit = quantity_before(in, i); /* "10 kms" are kilometres */
        for (size_t k = nw; k-- > 0 && !done && !unit;) {
            const uint32_t *r = smap_get(&nz->shorthand, low, ends[k]);
            if (!r)
                continue;
            sb_adds(out, nz->repl[*r]);
            /* Skip the k + 1 words said. */
            size_t words = 0;
            while (i < len && words <= k) {
                while (i < len && token_byte((unsigned char)in[i]))
                    i++;
                words++;
                if (words <= k)
                    i++; /* the space or hyphen between */
            }
            changed = done = true;
        }
        if (done)
            continue;
        size_t n = ends[0], fn;
        /* A capital inside a sentence is likely a name: no typo there. */
        bool name = i > 0 && isupper((unsigned char)in[i]) && !(i >= 2 && strchr(".!?", in[i - 2]));
        if (respell(nz, low, n, typos && !name, fix, &fn)) {
            /* "kmsss" is "kms"; "shhh" is a hush, not "sh". */
            const uint32_t *r = fn > 2 ? smap_get(&nz->shorthand, fix, fn) : NULL;
            if (r)
                sb_adds(out, nz->repl[*r]);
            else
                sb_addn(out, fix, fn);
            changed = true;
        } else {
            sb_addn(out, in + i, n);
        }
        i += n;
    }
    return changed;
}
