/*
 * load_crisis.c - crisis.yaml into the model: idioms, categories with their
 * patterns and replies, and the follow-up after a crisis reply.
 */
#include <string.h>

#include "loader.h"

const char *const ld_category_ids[] = {"suicide-plan",     "medical",         "suicide",
                                       "suicide-indirect", "self-harm",       "abuse",
                                       "harm-others",      "eating-disorder", NULL};

void ld_crisis(loader *L, const ynode *root)
{
    static const char *const keys[] = {"idioms", "categories", "followup", NULL};
    static const char *const catkeys[] = {"id", "patterns", "say", NULL};
    static const char *const fkeys[] = {"say", "choices", "rules", "fallback", NULL};
    crisis *c = &L->e->crisis;
    c->file = L->file;
    if (!ld_want(L, root, YN_MAP, "crisis.yaml"))
        return;
    ld_check_keys(L, root, "crisis.yaml", keys);
    c->idioms = ld_rules(L, ytree_get(root, "idioms"), "'idioms'", LD_PATTERN_ONLY, &c->nidioms);
    const ynode *cats = ytree_get(root, "categories");
    if (!cats) {
        ld_err(L, root, "crisis.yaml needs 'categories:'");
        return;
    }
    if (ld_want(L, cats, YN_SEQ, "'categories'")) {
        c->cats = ar_alloc(L->a, (cats->n + 1) * sizeof *c->cats);
        for (size_t i = 0; i < cats->n; i++) {
            const ynode *n = cats->items[i];
            if (!ld_want(L, n, YN_MAP, "a category") ||
                !ld_check_keys(L, n, "a crisis category", catkeys))
                continue;
            crisis_cat *cat = &c->cats[c->ncats];
            cat->pos = ld_at(L, n);
            cat->id = ld_need_str(L, n, "id", "a crisis category");
            if (!cat->id)
                continue;
            bool known = false;
            for (const char *const *k = ld_category_ids; *k; k++)
                known |= !strcmp(*k, cat->id);
            if (!known)
                ld_err(L, ytree_get(n, "id"),
                       "unknown crisis category '%.80s' (suicide-plan, medical, suicide, "
                       "suicide-indirect, self-harm, abuse, harm-others, eating-disorder)",
                       cat->id);
            for (int j = 0; j < c->ncats; j++)
                if (!strcmp(c->cats[j].id, cat->id))
                    ld_err(L, ytree_get(n, "id"), "duplicate crisis category '%s'", cat->id);
            cat->pats =
                ld_rules(L, ytree_get(n, "patterns"), "'patterns'", LD_PATTERN_ONLY, &cat->npats);
            if (!cat->npats)
                ld_err(L, n, "crisis category '%s' needs 'patterns:'", cat->id);
            cat->say = ld_text(L, ytree_get(n, "say"), "say");
            if (!cat->say.n)
                ld_err(L, n, "crisis category '%s' needs 'say:'", cat->id);
            c->ncats++;
        }
    }
    const ynode *f = ytree_get(root, "followup");
    step *st = &c->followup;
    st->id = "followup";
    st->skip_step = -1;
    if (f && ld_want(L, f, YN_MAP, "'followup'") && ld_check_keys(L, f, "'followup'", fkeys)) {
        st->pos = ld_at(L, f);
        st->say = ld_text(L, ytree_get(f, "say"), "say");
        st->nchoices = ld_str_list(L, ytree_get(f, "choices"), "choices", &st->choices, NULL);
        st->rules = ld_rules(L, ytree_get(f, "rules"), "'rules'", LD_COACH, &st->nrules);
        st->fallback = ld_text(L, ytree_get(f, "fallback"), "fallback");
    }
}
