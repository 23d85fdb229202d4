/*
 * crisis.c - the crisis screen and the hotline directory.
 *
 * The screen runs first on every turn. A category matches when any of its
 * patterns matches somewhere in the input and that match does not lie wholly
 * inside an idiom ("this traffic is killing me"). A pattern that runs into
 * the match limits cannot tell, so it screens in.
 */
#include <string.h>

#include "session.h"

/* Is [off, off+len) wholly inside a match of some idiom? */
static bool in_idiom(const dbt_engine *e, matcher *m, const char *text, size_t tlen, size_t off,
                     size_t len)
{
    for (int i = 0; i < e->crisis.nidioms; i++) {
        const rule *r = &e->crisis.idioms[i];
        for (int k = 0; k < r->npats; k++) {
            size_t start = 0;
            while (start <= tlen && pat_match(r->pats[k], text, tlen, start, m) == PM_MATCH) {
                size_t a, n;
                if (!pat_group(m, 0, &a, &n))
                    break;
                if (a <= off && off + len <= a + n)
                    return true;
                start = a + (n ? n : 1);
            }
        }
    }
    return false;
}

/* Next byte offset after a UTF-8 character starting at `i`. */
static size_t next_char(const char *s, size_t len, size_t i)
{
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

int crisis_screen(const dbt_engine *e, matcher *m, const char *text, const char *lower,
                  size_t len, u32vec *cand, u32vec *lits)
{
    const rule_index *rx = e->crisis.rx;
    if (!rx)
        return -1;
    size_t n = rx_candidates(rx, lower, len, cand, lits);
    for (size_t k = 0; k < n; k++) {
        const flat_entry *fe = &rx->e[rx_entry(cand, k)];
        if (fe->pat < 0)
            continue;
        size_t start = 0;
        for (;;) {
            pat_result pr = pat_match(fe->r->pats[fe->pat], text, len, start, m);
            if (pr == PM_LIMIT)
                return fe->tag; /* cannot tell: screen in */
            if (pr == PM_NOMATCH)
                break;
            size_t off, mlen;
            if (!pat_group(m, 0, &off, &mlen))
                return fe->tag;
            if (!e->crisis.nidioms || !in_idiom(e, m, text, len, off, mlen))
                return fe->tag;
            if (off >= len)
                break;
            start = next_char(text, len, off);
        }
    }
    return -1;
}

static bool serves(const service *sv, const char *cat)
{
    for (int i = 0; i < sv->nfor; i++)
        if (cat ? !strcmp(sv->for_[i], cat) : !strcmp(sv->for_[i], "all"))
            return true;
    return false;
}

static void join(strbuf *out, const char *const *v, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            sb_adds(out, i == n - 1 ? " or " : ", ");
        sb_adds(out, v[i]);
    }
}

static void service_line(const service *sv, strbuf *out)
{
    sb_printf(out, "- %s:", sv->name);
    const char *sep = " ";
    if (sv->ncall) {
        sb_adds(out, " call ");
        join(out, sv->call, sv->ncall);
        sep = "; ";
    }
    if (sv->ntext) {
        sb_adds(out, sep);
        join(out, sv->text, sv->ntext);
        sep = "; ";
    }
    if (sv->nchat) {
        sb_printf(out, "%schat at ", sep);
        join(out, sv->chat, sv->nchat);
    }
    sb_printf(out, " (%s)", sv->hours);
}

void crisis_hotline_block(const dbt_engine *e, int reg, int category, strbuf *out)
{
    const hotline_region *r = &e->regions[reg];
    const char *cat = category >= 0 ? e->crisis.cats[category].id : NULL;
    bool any = false;
    /* Services for this category first, then the general ones. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < r->nservices; i++) {
            const service *sv = &r->services[i];
            bool take = pass == 0 ? (cat && serves(sv, cat)) : serves(sv, NULL) ||
                                    (!cat && !serves(sv, NULL));
            if (!take)
                continue;
            if (pass == 1 && cat && serves(sv, cat))
                continue;
            if (any)
                sb_addc(out, '\n');
            service_line(sv, out);
            any = true;
        }
    if (any)
        sb_addc(out, '\n');
    sb_printf(out, "- Emergency (%s): %s", r->name, r->emergency);
}
