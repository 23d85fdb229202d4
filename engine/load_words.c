/*
 * load_words.c - words.yaml (shorthand, ordinary words, concepts) and the
 * normaliser built from it and from the scripts' own words. Reads the
 * finished model; changes nothing in it but its normaliser.
 */
#include <string.h>

#include "loader.h"
#include "normalise.h"

void ld_words(loader *L, const ynode *root)
{
    static const char *const keys[] = {"shorthand", "ordinary", NULL};
    dbt_engine *e = L->e;
    if (!ld_want(L, root, YN_MAP, "words.yaml"))
        return;
    ld_check_keys(L, root, "words.yaml", keys);
    const ynode *sh = ytree_get(root, "shorthand");
    if (sh && ld_want(L, sh, YN_MAP, "'shorthand'")) {
        e->words.shorthand = ar_alloc(L->a, (sh->n / 2 + 1) * sizeof(const char *[2]));
        for (size_t i = 0; i + 1 < sh->n; i += 2) {
            const ynode *k = sh->items[i], *v = sh->items[i + 1];
            const char *to = ld_str(L, v, "a shorthand's meaning");
            if (!to)
                continue;
            bool ok = k->len > 0;
            int spaces = 0;
            for (const char *p = k->str; *p; p++) {
                ok &= (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ' ' ||
                      *p == '\'' || (unsigned char)*p >= 0x80;
                spaces += *p == ' ';
            }
            if (!ok || spaces > 2 || k->str[0] == ' ') {
                ld_err(L, k,
                       "shorthand '%.80s': one to three lowercase words, separated by single "
                       "spaces",
                       k->str);
                continue;
            }
            e->words.shorthand[e->words.nshorthand][0] = k->str;
            e->words.shorthand[e->words.nshorthand][1] = to;
            e->words.nshorthand++;
        }
    }
    e->words.nordinary =
        ld_str_list(L, ytree_get(root, "ordinary"), "ordinary", &e->words.ordinary, NULL);
}

static bool add_rules(normaliser *nz, const rule *r, int n)
{
    for (int i = 0; i < n; i++) {
        for (int x = 0; x < r[i].nexamples; x++)
            if (!nz_add_text(nz, r[i].examples[x], true))
                return false;
        for (int x = 0; x < r[i].nchoices; x++)
            if (!nz_add_text(nz, r[i].choices[x], true))
                return false;
        for (int x = 0; x < r[i].say.n; x++)
            if (!nz_add_text(nz, r[i].say.v[x], false))
                return false;
    }
    return true;
}

static bool add_texts(normaliser *nz, const textv *t)
{
    for (int x = 0; x < t->n; x++)
        if (!nz_add_text(nz, t->v[x], false))
            return false;
    return true;
}

static bool add_step(normaliser *nz, const step *st)
{
    for (int x = 0; x < st->nchoices; x++)
        if (!nz_add_text(nz, st->choices[x], true))
            return false;
    return add_rules(nz, st->rules, st->nrules) && add_texts(nz, &st->say) &&
           add_texts(nz, &st->fallback) && add_texts(nz, &st->why) && add_texts(nz, &st->hint) &&
           add_texts(nz, &st->rephrase);
}

/* Every word a script shows or expects: what people type (examples,
 * choices, names) is the vocabulary typos are corrected into; what the coach
 * says is known too, so never corrected. */
static bool fill(normaliser *nz, const dbt_engine *e)
{
    const crisis *c = &e->crisis;
    for (int i = 0; i < c->ncats; i++)
        if (!add_rules(nz, c->cats[i].pats, c->cats[i].npats) || !add_texts(nz, &c->cats[i].say))
            return false;
    nz_foreign(nz, true);
    for (int l = 0; l < c->nlangs; l++)
        for (int i = 0; i < c->ncats; i++)
            if (!add_rules(nz, c->langs[l].pats[i], c->langs[l].npats[i]) ||
                !add_texts(nz, &c->langs[l].say[i]) || !add_step(nz, &c->langs[l].followup))
                return false;
    nz_foreign(nz, false);
    if (!add_rules(nz, c->idioms, c->nidioms) || !add_step(nz, &c->followup))
        return false;
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        if (!nz_add_text(nz, s->title, true) || !nz_add_text(nz, s->id, true) ||
            !nz_add_text(nz, s->about, false) || !nz_add_text(nz, s->summary, false) ||
            !add_rules(nz, s->triggers, s->ntriggers) || !add_rules(nz, s->rules, s->nrules) ||
            !add_texts(nz, &s->fallback))
            return false;
        for (int k = 0; k < s->naliases; k++)
            if (!nz_add_text(nz, s->aliases[k], true))
                return false;
        for (int j = 0; j < s->nsteps; j++)
            if (!add_step(nz, &s->steps[j]))
                return false;
    }
    const coach *co = &e->coach;
    if (!add_rules(nz, co->routes, co->nroutes) || !add_texts(nz, &co->greeting) ||
        !add_texts(nz, &co->fallback) || !add_texts(nz, &co->after_skill))
        return false;
    for (int i = 0; i < co->ncommands; i++)
        if (!add_rules(nz, &co->commands[i].r, 1))
            return false;
    /* A concept's words are known (never corrected), not typo targets: a
     * family of near-synonyms would draw everyday words into it (brighten
     * into frighten, bumpy into jumpy). Typos are corrected into the words
     * of examples and choices, which name what people type. */
    for (int i = 0; i < e->nconcepts; i++)
        for (int x = 0; x < e->concepts[i].nforms; x++)
            if (!nz_add_text(nz, e->concepts[i].forms[x], false))
                return false;
    for (int i = 0; i < e->words.nordinary; i++)
        if (!nz_add_text(nz, e->words.ordinary[i], false))
            return false;
    for (int i = 0; i < e->words.nshorthand; i++)
        if (!nz_add_shorthand(nz, e->words.shorthand[i][0], e->words.shorthand[i][1]))
            return false;
    return nz_finish(nz);
}

bool ld_build_normaliser(dbt_engine *e)
{
    e->nz = nz_new();
    return e->nz && fill(e->nz, e);
}
