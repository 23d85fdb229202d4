/*
 * model.c - look-ups over a loaded script model (skills, steps, regions,
 * skill names as people type them) and freeing it. Reads the model only.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "normalise.h"
#include "text.h"

int model_find_skill(const dbt_engine *e, const char *id)
{
    for (int i = 0; i < e->nskills; i++)
        if (!strcmp(e->skills[i].id, id))
            return i;
    return -1;
}

int model_find_step(const skill *s, const char *id)
{
    for (int i = 0; i < s->nsteps; i++)
        if (!strcmp(s->steps[i].id, id))
            return i;
    return -1;
}

int model_find_region(const dbt_engine *e, const char *code)
{
    for (int i = 0; i < e->nregions; i++)
        if (!strcasecmp(e->regions[i].code, code))
            return i;
    return -1;
}

/* Find a skill whose id, title or alias folds to `f`. */
static int skill_by_folded(const dbt_engine *e, const char *f, size_t n)
{
    for (int i = 0; n && i < e->nnames; i++)
        if (e->names[i].len == n && !memcmp(e->names[i].folded, f, n))
            return e->names[i].skill;
    return -1;
}

int model_skill_by_name(const dbt_engine *e, const char *name, size_t len)
{
    /* A name is short: anything much longer than the longest is no name. */
    char buf[256] = "";
    if (len > e->max_name * 3 + 32 || len >= sizeof buf)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c))
            buf[n++] = (char)tolower(c);
        else if (c >= 0x80)
            buf[n++] = (char)c;
    }
    /* As said; then without a leading "the"; then without a trailing
     * "skill" or "skills" ("the STOP skill", "what skills"). */
    const char *s = buf;
    int found = skill_by_folded(e, s, n);
    if (found < 0 && n > 3 && !strncmp(s, "the", 3)) {
        s += 3;
        n -= 3;
        found = skill_by_folded(e, s, n);
    }
    for (size_t cut = 6; found < 0 && cut >= 5; cut--)
        if (n > cut && !strncmp(s + n - cut, "skills", cut))
            found = skill_by_folded(e, s, n - cut);
    return found;
}

/* Fold every skill's names once, for model_skill_by_name (in the engine's
 * arena, whose out-of-memory jump applies). False when memory ran out. */
bool model_build_names(dbt_engine *e)
{
    int total = 0;
    for (int i = 0; i < e->nskills; i++)
        total += 2 + e->skills[i].naliases;
    e->names = ar_alloc(&e->ar, ((size_t)total + 1) * sizeof *e->names);
    strbuf f;
    sb_init(&f);
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        for (int k = -2; k < s->naliases; k++) {
            const char *nm = k == -2 ? s->id : k == -1 ? s->title : s->aliases[k];
            sb_clear(&f);
            text_fold_name(nm, strlen(nm), &f);
            if (f.oom) {
                sb_free(&f);
                return false;
            }
            if (!f.len)
                continue;
            struct skill_name *sn = &e->names[e->nnames++];
            sn->folded = ar_strndup(&e->ar, f.s, f.len);
            sn->len = f.len;
            sn->skill = i;
            if (f.len > e->max_name)
                e->max_name = f.len;
        }
    }
    sb_free(&f);
    return true;
}

const step *model_followup(const dbt_engine *e, int lang)
{
    const crisis_lang *l = lang > 0 && lang <= e->crisis.nlangs ? &e->crisis.langs[lang - 1] : NULL;
    return l && (l->followup.nrules || l->followup.fallback.n) ? &l->followup : &e->crisis.followup;
}

void model_free(dbt_engine *e)
{
    if (!e)
        return;
    nz_free(e->nz);
    pcre2_match_context_free(e->mctx);
    for (int i = 0; i < e->npatterns; i++)
        pat_free(e->all_patterns[i]);
    mem_free(e->all_patterns);
    ar_free(&e->ar);
    mem_free(e);
}
