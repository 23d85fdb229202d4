/*
 * load_pattern.c - patterns, compiled and kept in the engine, and concepts:
 * named word families (concepts.yaml, or a skill file's own `concepts:`),
 * written ~name inside patterns.
 *
 * A concept is spelled out at load, never looked up at a turn: each word the
 * author lists gains its regular endings (s, es, ed, ing, ly, ness, y, er,
 * est, with e dropped, y turned to i and a last consonant doubled), and a
 * form is kept only when the Snowball English stemmer gives it the stem of
 * the listed word; an -ing form also comes without its g (worryin). So "worry" brings "worries",
 * "worried" and "worrying", and "sad" brings "sadness" but no "sady". The forms become one
 * non-capturing alternation between word edges, spliced into the pattern
 * where ~name stood before it is compiled: numbered captures stay as the
 * author wrote them, and the required-literal prefilter and the JIT see a
 * plain pattern.
 */
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

enum { MAX_FORMS = 1024, MAX_SPLICES = 32 }; /* forms in one concept; concepts in one pattern */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool valid_name(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z'))
        return false;
    for (; *s; s++)
        if (!name_char(*s) || (*s >= 'A' && *s <= 'Z'))
            return false;
    return true;
}

/* The concept `name` (`len` bytes) as seen from the file being read: its own
 * concepts, then the shared ones. */
static concept *find(const loader *L, const char *name, size_t len)
{
    const dbt_engine *e = L->e;
    concept *shared = NULL;
    for (int i = 0; i < e->nconcepts; i++) {
        concept *c = &e->concepts[i];
        if (strlen(c->name) != len || memcmp(c->name, name, len) != 0)
            continue;
        if (c->file == L->file)
            return c;
        if (!c->file)
            shared = c;
    }
    return shared;
}

static const char *stem_of(loader *L, const char *w, size_t n)
{
    if (!L->stem) {
        L->stem = sb_stemmer_new("english", NULL);
        if (!L->stem)
            longjmp(L->oom, 1);
    }
    const sb_symbol *s = sb_stemmer_stem(L->stem, (const sb_symbol *)w, (int)n);
    if (!s)
        longjmp(L->oom, 1);
    return ar_strndup(L->a, (const char *)s, (size_t)sb_stemmer_length(L->stem));
}

static bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static bool ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n > k && memcmp(w + n - k, suf, k) == 0;
}

typedef struct forms {
    const char **v;
    int n, cap;
} forms;

static void add_form(loader *L, forms *f, const char *s)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->v[i], s))
            return;
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 16;
        const char **nv = ar_alloc(L->a, (size_t)cap * sizeof *nv);
        if (f->n)
            memcpy(nv, f->v, (size_t)f->n * sizeof *nv);
        f->v = nv;
        f->cap = cap;
    }
    f->v[f->n++] = s;
}

static bool verb_ending(const char *suf)
{
    static const char *const verb[] = {"s", "es", "ed", "d", "ing"};
    for (size_t i = 0; i < sizeof verb / sizeof *verb; i++)
        if (strcmp(suf, verb[i]) == 0)
            return true;
    return false;
}

/* `word` and the regular forms of its first word that share its stem. */
static void inflect(loader *L, forms *f, const char *word)
{
    add_form(L, f, word);
    size_t n = strcspn(word, " ");
    const char *tail = word + n;
    for (size_t i = 0; i < n; i++)
        if (!(word[i] >= 'a' && word[i] <= 'z'))
            return; /* digits, apostrophes, other scripts: as written */
    /* Too short to inflect safely, or already an inflected form. */
    if (n < 3 || ends_with(word, n, "ing") || ends_with(word, n, "ed") ||
        ends_with(word, n, "ly") || ends_with(word, n, "ness") || ends_with(word, n, "ies"))
        return;
    static const char *const plain[] = {"ed", "ing", "s"};
    static const char *const after_e[] = {"s", "d", "r", "st", "ly", "ness"};
    static const char *const drop_e[] = {"ing", "ed", "er", "est", "y"};
    static const char *const y_to_i[] = {"es", "ed", "er", "est", "ly", "ness"};
    static const char *const doubled[] = {"ing", "ed", "er", "est", "y"};
    char last = word[n - 1], before = word[n - 2];
    const char *stem = stem_of(L, word, n);
    char buf[128];
    if (n + 8 >= sizeof buf)
        return;
    /* Plurals and third persons: -es after a hiss (stresses, rushes), -s
     * otherwise, neither for adjectives in -ous. */
    bool hiss = last == 's' || last == 'x' || last == 'z' || ends_with(word, n, "ch") ||
                ends_with(word, n, "sh");
    const char *own[8] = {"ed", "ing", "ly", "ness", "y", "er", "est"};
    size_t nown = 7;
    if (!ends_with(word, n, "ous"))
        own[nown++] = hiss ? "es" : "s";
    struct {
        const char *const *suf;
        size_t nsuf;
        size_t keep; /* letters of the head kept */
        const char *join;
        bool when;
    } rules[] = {
        {own, nown, n, "", last != 'e' && last != 'y'},
        {plain, 2, n, "", last == 'y' && is_vowel(before)},     /* play: played, playing */
        {plain + 2, 1, n, "", last == 'y' && is_vowel(before)}, /* plays */
        {after_e, sizeof after_e / sizeof *after_e, n, "", last == 'e'},
        {drop_e, sizeof drop_e / sizeof *drop_e, n - 1, "", last == 'e'},
        {y_to_i, sizeof y_to_i / sizeof *y_to_i, n - 1, "i", last == 'y' && !is_vowel(before)},
        {plain + 1, 1, n, "", last == 'y' && !is_vowel(before)}, /* crying */
        {doubled, sizeof doubled / sizeof *doubled, n, (const char[]){last, 0},
         !is_vowel(last) && last != 'w' && last != 'x' && last != 'y' && is_vowel(before) &&
             !is_vowel(word[n - 3])},
    };
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        if (!rules[r].when)
            continue;
        for (size_t k = 0; k < rules[r].nsuf; k++) {
            const char *suf = rules[r].suf[k];
            /* A phrase's head is a verb (freak out): only its verb endings. */
            if (*tail && !verb_ending(suf))
                continue;
            int len =
                snprintf(buf, sizeof buf, "%.*s%s%s", (int)rules[r].keep, word, rules[r].join, suf);
            if (len <= 0 || (size_t)len >= sizeof buf || f->n >= MAX_FORMS)
                continue;
            if (strcmp(stem_of(L, buf, (size_t)len), stem) != 0)
                continue;
            char *form = ar_alloc(L->a, (size_t)len + strlen(tail) + 1);
            memcpy(form, buf, (size_t)len);
            strcpy(form + len, tail);
            add_form(L, f, form);
            if (!strcmp(suf, "ing")) { /* as often typed: worryin, freakin out */
                char *dropped = ar_strdup(L->a, form);
                memmove(dropped + len - 1, dropped + len, strlen(tail) + 1);
                add_form(L, f, dropped);
            }
        }
    }
}

static int longest_first(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);
    return lx != ly ? (lx < ly ? 1 : -1) : strcmp(x, y);
}

/* The alternation a concept stands for in a pattern. */
static const char *alternation(loader *L, const forms *f)
{
    strbuf b;
    sb_init(&b);
    sb_adds(&b, "(?:(?<!\\w)(?:");
    for (int i = 0; i < f->n; i++) {
        if (i)
            sb_addc(&b, '|');
        for (const char *p = f->v[i]; *p; p++) {
            unsigned char c = (unsigned char)*p;
            if (c == ' ')
                sb_adds(&b, "\\s+");
            else if (c == '\'')
                sb_adds(&b, "'?"); /* can't or cant */
            else if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                sb_addc(&b, '\\');
                sb_addc(&b, (char)c);
            } else
                sb_addc(&b, (char)c);
        }
    }
    sb_adds(&b, ")(?!\\w))");
    if (b.oom) {
        sb_free(&b);
        longjmp(L->oom, 1);
    }
    jmp_buf *jump = L->a->oom; /* the buffer is freed before any jump */
    L->a->oom = NULL;
    char *s = ar_strndup(L->a, b.s, b.len);
    L->a->oom = jump;
    sb_free(&b);
    if (!s)
        longjmp(L->oom, 1);
    return s;
}

/* One entry of a concept: a word or phrase, lowercase, single spaces. */
static const char *clean_word(loader *L, const ynode *n)
{
    const char *s = ld_str(L, n, "a concept's word");
    if (!s)
        return NULL;
    char *w = ar_alloc(L->a, strlen(s) + 1), *o = w;
    for (const char *p = s; *p; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if (c == ' ' || c == '\t') {
            if (o > w && o[-1] != ' ')
                *o++ = ' ';
            continue;
        }
        *o++ = c;
    }
    while (o > w && o[-1] == ' ')
        o--;
    *o = 0;
    if (!*w) {
        ld_err(L, n, "a concept's word is empty");
        return NULL;
    }
    return w;
}

void ld_concepts(loader *L, const ynode *map, bool local)
{
    if (!map || !ld_want(L, map, YN_MAP, local ? "'concepts'" : "concepts.yaml"))
        return;
    dbt_engine *e = L->e;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ynode *k = map->items[i], *v = map->items[i + 1];
        if (!valid_name(k->str)) {
            ld_err(L, k,
                   "concept name '%.80s' may use only lowercase letters, digits and _, "
                   "starting with a letter",
                   k->str);
            continue;
        }
        const concept *old = find(L, k->str, k->len);
        if (old && local && !old->file) {
            ld_err(L, k,
                   "concept ~%s is already defined in %s:%d; a skill's own concept needs a "
                   "name of its own",
                   k->str, old->pos.file, old->pos.line);
            continue;
        }
        if (!ld_want(L, v, YN_SEQ, "a concept's words"))
            continue;
        if (v->n == 0) {
            ld_err(L, v, "concept ~%s is an empty list; give it at least one word", k->str);
            continue;
        }
        forms f = {0};
        for (size_t j = 0; j < v->n; j++) {
            const ynode *w = v->items[j];
            if (w->kind == YN_SCALAR && w->str[0] == '~') {
                const concept *inner = find(L, w->str + 1, w->len - 1);
                if (!inner) {
                    ld_err(L, w,
                           "unknown concept %.80s; a concept can include one defined before it",
                           w->str);
                    continue;
                }
                for (int x = 0; x < inner->nforms; x++)
                    add_form(L, &f, inner->forms[x]);
                continue;
            }
            const char *word = clean_word(L, w);
            if (word)
                inflect(L, &f, word);
        }
        if (f.n == 0)
            continue;
        qsort(f.v, (size_t)f.n, sizeof *f.v, longest_first);
        if (e->nconcepts == L->ccap) {
            int cap = L->ccap ? L->ccap * 2 : 32;
            concept *nc = ar_alloc(L->a, (size_t)cap * sizeof *nc);
            if (e->nconcepts)
                memcpy(nc, e->concepts, (size_t)e->nconcepts * sizeof *nc);
            e->concepts = nc;
            L->ccap = cap;
        }
        concept *c = &e->concepts[e->nconcepts++];
        c->name = k->str;
        c->forms = f.v;
        c->nforms = f.n;
        c->rx = alternation(L, &f);
        c->file = local ? L->file : NULL;
        c->pos = ld_at(L, k);
        c->used = false;
    }
}

void ld_concepts_done(loader *L)
{
    if (L->stem)
        sb_stemmer_delete(L->stem);
    L->stem = NULL;
}

/* The closest concept name to `name`, for a hint, or NULL. */
static const char *closest(const loader *L, const char *name, size_t len)
{
    char want[64];
    if (len >= sizeof want)
        return NULL;
    memcpy(want, name, len);
    want[len] = 0;
    const char *best = NULL;
    size_t bd = len > 4 ? 3 : 2;
    for (int i = 0; i < L->e->nconcepts; i++) {
        const concept *c = &L->e->concepts[i];
        if (c->file && c->file != L->file)
            continue;
        size_t d = ld_distance(want, c->name);
        if (d < bd) {
            bd = d;
            best = c->name;
        }
    }
    return best;
}

const char *ld_expand(loader *L, const ynode *n, ld_splice *sp, int *nsp, size_t *outlen)
{
    const char *src = n->str;
    size_t len = n->len;
    *nsp = 0;
    *outlen = len;
    if (!memchr(src, '~', len))
        return src;
    strbuf b;
    sb_init(&b);
    bool ok = true, in_class = false;
    for (size_t i = 0; i < len;) {
        char c = src[i];
        if (c == '\\' && i + 1 < len) {
            if (src[i + 1] == 'Q') { /* \Q...\E is taken as written */
                const char *end = strstr(src + i + 2, "\\E");
                size_t stop = end ? (size_t)(end - src) + 2 : len;
                sb_addn(&b, src + i, stop - i);
                i = stop;
                continue;
            }
            sb_addn(&b, src + i, 2);
            i += 2;
            continue;
        }
        if (c == '[' && !in_class) {
            in_class = true;
            sb_addc(&b, c);
            i++;
            if (i < len && src[i] == '^')
                sb_addc(&b, src[i++]);
            if (i < len && src[i] == ']') /* a ] first in a class is literal */
                sb_addc(&b, src[i++]);
            continue;
        }
        if (c == ']' && in_class)
            in_class = false;
        if (c != '~' || in_class || i + 1 >= len || !name_char(src[i + 1])) {
            sb_addc(&b, c);
            i++;
            continue;
        }
        size_t s = i + 1, e = s;
        while (e < len && name_char(src[e]))
            e++;
        concept *con = find(L, src + s, e - s);
        if (!con) {
            srcpos p = ld_at_offset(L, n, i);
            const char *hint = closest(L, src + s, e - s);
            if (hint)
                diag_report(L->d, DBT_SEVERITY_ERROR, &p,
                            "unknown concept ~%.*s; did you mean ~%s?", (int)(e - s), src + s,
                            hint);
            else
                diag_report(L->d, DBT_SEVERITY_ERROR, &p,
                            "unknown concept ~%.*s; define it in concepts.yaml or under this "
                            "skill's 'concepts:' (write \\~ for a tilde itself)",
                            (int)(e - s), src + s);
            ok = false;
        } else if (*nsp == MAX_SPLICES) {
            srcpos p = ld_at_offset(L, n, i);
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "a pattern may use at most %d concepts",
                        MAX_SPLICES);
            ok = false;
        } else {
            con->used = true;
            sp[*nsp].at = i;
            sp[*nsp].len = e - i;
            sp[*nsp].out = b.len;
            sp[*nsp].outlen = strlen(con->rx);
            (*nsp)++;
            sb_adds(&b, con->rx);
        }
        i = e;
    }
    if (b.oom) {
        sb_free(&b);
        longjmp(L->oom, 1);
    }
    const char *out = ok ? ar_strndup(L->a, sb_str(&b), b.len) : NULL;
    *outlen = b.len;
    sb_free(&b);
    return out;
}

size_t ld_unsplice(const ld_splice *sp, int nsp, size_t off)
{
    long delta = 0;
    for (int i = 0; i < nsp; i++) {
        if (off < sp[i].out)
            break;
        if (off < sp[i].out + sp[i].outlen)
            return sp[i].at; /* inside a concept: point at its ~ */
        delta = (long)(sp[i].out + sp[i].outlen) - (long)(sp[i].at + sp[i].len);
    }
    return (size_t)((long)off - delta);
}

static void keep_pattern(loader *L, pattern *p)
{
    dbt_engine *e = L->e;
    if (e->npatterns == L->pcap) {
        int cap = L->pcap ? L->pcap * 2 : 256;
        pattern **np = mem_realloc(e->all_patterns, (size_t)cap * sizeof(pattern *));
        if (!np) {
            pat_free(p);
            longjmp(L->oom, 1);
        }
        e->all_patterns = np;
        L->pcap = cap;
    }
    e->all_patterns[e->npatterns++] = p;
    if ((int)p->ncaptures > e->max_captures)
        e->max_captures = (int)p->ncaptures;
}

pattern *ld_compile_builtin(loader *L, const char *src)
{
    size_t off = 0;
    char msg[256];
    pattern *p = pat_compile(src, strlen(src), !L->no_jit, &off, msg, sizeof msg);
    if (!p)
        longjmp(L->oom, 1); /* built-in patterns compile: only memory can fail */
    p->src = p->full = src;
    keep_pattern(L, p);
    return p;
}

pattern *ld_compile(loader *L, const ynode *n)
{
    if (!ld_str(L, n, "match"))
        return NULL;
    ld_splice sp[32];
    int nsp = 0;
    size_t flen;
    const char *full = ld_expand(L, n, sp, &nsp, &flen);
    if (!full)
        return NULL;
    size_t off = 0;
    char msg[256];
    pattern *p = pat_compile(full, flen, !L->no_jit, &off, msg, sizeof msg);
    if (!p) {
        if (!strcmp(msg, "out of memory"))
            longjmp(L->oom, 1);
        srcpos pos = ld_at_offset(L, n, ld_unsplice(sp, nsp, off));
        diag_report(L->d, DBT_SEVERITY_ERROR, &pos, "pattern does not compile: %s", msg);
        return NULL;
    }
    p->src = n->str;
    p->full = full;
    keep_pattern(L, p);
    return p;
}
