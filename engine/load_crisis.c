/*
 * load_crisis.c - crisis.yaml and crisis.LANG.yaml into the model: idioms,
 * categories with their patterns, tiers and replies, the follow-up after a
 * crisis reply and the check-in after a warning. It screens nothing.
 */
#include <string.h>

#include "loader.h"

const char *const ld_category_ids[] = {"suicide-plan",     "medical",         "suicide",
                                       "suicide-indirect", "self-harm",       "abuse",
                                       "harm-others",      "eating-disorder", NULL};

static void parse_followup(loader *L, const ynode *f, step *st)
{
    static const char *const fkeys[] = {"say", "choices", "rules", "fallback", NULL};
    st->id = "followup";
    st->skip_step = -1;
    if (!f || !ld_want(L, f, YN_MAP, "'followup'") || !ld_check_keys(L, f, "'followup'", fkeys))
        return;
    st->pos = ld_at(L, f);
    st->say = ld_text(L, ytree_get(f, "say"), "say");
    st->nchoices = ld_str_list(L, ytree_get(f, "choices"), "choices", &st->choices, NULL);
    st->rules = ld_rules(L, ytree_get(f, "rules"), "'rules'", LD_COACH, &st->nrules);
    st->fallback = ld_text(L, ytree_get(f, "fallback"), "fallback");
}

/* A list of patterns as rules of one pattern each (no examples needed: the
 * answers are short and the corpus tests cover them). */
static rule *pattern_list(loader *L, const ynode *n, const char *what, int *count)
{
    *count = 0;
    if (!n)
        return NULL;
    const ynode *one[1] = {n};
    const ynode *const *list = one;
    size_t cnt = 1;
    if (n->kind == YN_SEQ) {
        list = (const ynode *const *)n->items;
        cnt = n->n;
    }
    rule *rs = ar_alloc(L->a, (cnt + 1) * sizeof *rs);
    for (size_t i = 0; i < cnt; i++) {
        if (!ld_str(L, list[i], what))
            continue;
        rule *r = &rs[*count];
        r->pos = ld_at(L, list[i]);
        r->tskill = r->tstep = -1;
        r->pats = ar_alloc(L->a, sizeof(pattern *));
        pattern *p = ld_compile(L, list[i]);
        if (!p)
            continue;
        r->pats[r->npats++] = p;
        (*count)++;
    }
    return rs;
}

static void parse_checkin(loader *L, const ynode *n, checkin *ck)
{
    static const char *const keys[] = {"yes", "no", "no_say", "again", "choices", NULL};
    if (!n || !ld_want(L, n, YN_MAP, "'checkin'") || !ld_check_keys(L, n, "'checkin'", keys))
        return;
    ck->pos = ld_at(L, n);
    ck->yes = pattern_list(L, ytree_get(n, "yes"), "yes", &ck->nyes);
    ck->no = pattern_list(L, ytree_get(n, "no"), "no", &ck->nno);
    ck->no_say = ld_text(L, ytree_get(n, "no_say"), "no_say");
    ck->again = ld_text(L, ytree_get(n, "again"), "again");
    ck->nchoices = ld_str_list(L, ytree_get(n, "choices"), "choices", &ck->choices, NULL);
    if (!ck->nyes || !ck->nno || !ck->no_say.n || !ck->again.n)
        ld_err(L, n, "'checkin' needs 'yes:', 'no:', 'no_say:' and 'again:'");
}

static void parse_words(loader *L, const ynode *n, hotline_words *w)
{
    static const char *const keys[] = {"call", "chat", "or", "emergency", NULL};
    if (!ld_want(L, n, YN_MAP, "'labels'") || !ld_check_keys(L, n, "'labels'", keys))
        return;
    w->call = ld_need_str(L, n, "call", "'labels'");
    w->chat = ld_need_str(L, n, "chat", "'labels'");
    w->or_ = ld_need_str(L, n, "or", "'labels'");
    w->emergency = ld_need_str(L, n, "emergency", "'labels'");
}

static int category_index(const crisis *c, const char *id)
{
    for (int j = 0; j < c->ncats; j++)
        if (!strcmp(c->cats[j].id, id))
            return j;
    return -1;
}

/* The categories of crisis.yaml (`lang` NULL) or of a language file, whose
 * ids must be ones crisis.yaml has (it is read first). */
static void parse_categories(loader *L, const ynode *cats, crisis_lang *lang)
{
    static const char *const catkeys[] = {"id", "patterns", "say", "tier", NULL};
    crisis *c = &L->e->crisis;
    if (!ld_want(L, cats, YN_SEQ, "'categories'"))
        return;
    if (!lang)
        c->cats = ar_alloc(L->a, (cats->n + 1) * sizeof *c->cats);
    for (size_t i = 0; i < cats->n; i++) {
        const ynode *n = cats->items[i];
        if (!ld_want(L, n, YN_MAP, "a category") ||
            !ld_check_keys(L, n, "a crisis category", catkeys))
            continue;
        const char *id = ld_need_str(L, n, "id", "a crisis category");
        if (!id)
            continue;
        bool known = false;
        for (const char *const *k = ld_category_ids; *k; k++)
            known |= !strcmp(*k, id);
        if (!known) {
            ld_err(L, ytree_get(n, "id"),
                   "unknown crisis category '%.80s' (suicide-plan, medical, suicide, "
                   "suicide-indirect, self-harm, abuse, harm-others, eating-disorder)",
                   id);
            continue;
        }
        int have = category_index(c, id);
        const ynode *tier = ytree_get(n, "tier");
        const char *tv = tier ? ld_str(L, tier, "tier") : NULL;
        if (tv && strcmp(tv, "warning") != 0 && strcmp(tv, "crisis") != 0)
            ld_err(L, tier, "'tier' is 'crisis' (the default) or 'warning'");
        int npats = 0;
        rule *pats = ld_rules(L, ytree_get(n, "patterns"), "'patterns'", LD_PATTERN_ONLY, &npats);
        textv say = ld_text(L, ytree_get(n, "say"), "say");
        if (lang) {
            if (have < 0) {
                ld_err(L, ytree_get(n, "id"), "category '%s' is not in crisis.yaml", id);
                continue;
            }
            if (tier)
                ld_err(L, tier, "a category's tier is set in crisis.yaml, for every language");
            if (lang->pats[have] || lang->say[have].n)
                ld_err(L, ytree_get(n, "id"), "duplicate crisis category '%s'", id);
            lang->pats[have] = pats;
            lang->npats[have] = npats;
            lang->say[have] = say;
            if (!say.n)
                ld_err(L, n, "crisis category '%s' needs 'say:'", id);
            continue;
        }
        if (have >= 0)
            ld_err(L, ytree_get(n, "id"), "duplicate crisis category '%s'", id);
        crisis_cat *cat = &c->cats[c->ncats++];
        cat->pos = ld_at(L, n);
        cat->id = id;
        cat->pats = pats;
        cat->npats = npats;
        cat->say = say;
        cat->warning = tv && !strcmp(tv, "warning");
        if (!npats)
            ld_err(L, n, "crisis category '%s' needs 'patterns:'", id);
        if (!say.n)
            ld_err(L, n, "crisis category '%s' needs 'say:'", id);
    }
}

void ld_crisis(loader *L, const ynode *root)
{
    static const char *const keys[] = {"idioms", "categories", "followup", "checkin", NULL};
    crisis *c = &L->e->crisis;
    c->file = L->file;
    c->words = (hotline_words){"call", "chat at", "or", "Emergency"};
    if (!ld_want(L, root, YN_MAP, "crisis.yaml"))
        return;
    ld_check_keys(L, root, "crisis.yaml", keys);
    c->idioms = ld_rules(L, ytree_get(root, "idioms"), "'idioms'", LD_PATTERN_ONLY, &c->nidioms);
    const ynode *cats = ytree_get(root, "categories");
    if (!cats) {
        ld_err(L, root, "crisis.yaml needs 'categories:'");
        return;
    }
    parse_categories(L, cats, NULL);
    parse_followup(L, ytree_get(root, "followup"), &c->followup);
    parse_checkin(L, ytree_get(root, "checkin"), &c->ck);
    bool warns = false;
    for (int i = 0; i < c->ncats; i++)
        warns |= c->cats[i].warning;
    if (warns && !c->ck.nyes)
        ld_err(L, root, "a category has 'tier: warning', so crisis.yaml needs 'checkin:'");
}

void ld_crisis_lang(loader *L, const ynode *root, const char *code)
{
    static const char *const keys[] = {"language",   "name",     "labels",  "idioms",
                                       "categories", "followup", "checkin", NULL};
    crisis *c = &L->e->crisis;
    if (!ld_want(L, root, YN_MAP, "a crisis language file"))
        return;
    ld_check_keys(L, root, "a crisis language file", keys);
    if (!c->ncats) {
        ld_err(L, root, "crisis.yaml must load first and without errors");
        return;
    }
    if (c->nlangs == CRISIS_MAX_LANGS) {
        ld_err(L, root, "at most %d crisis languages can be loaded", CRISIS_MAX_LANGS);
        return;
    }
    if (!c->langs)
        c->langs = ar_alloc(L->a, CRISIS_MAX_LANGS * sizeof *c->langs);
    crisis_lang *lang = &c->langs[c->nlangs];
    lang->file = L->file;
    lang->code = ld_need_str(L, root, "language", "a crisis language file");
    if (lang->code && strcmp(lang->code, code) != 0)
        ld_err(L, ytree_get(root, "language"), "'language' is '%s' but the file is for '%s'",
               lang->code, code);
    lang->name = ld_need_str(L, root, "name", "a crisis language file");
    lang->words = c->words;
    const ynode *lab = ytree_get(root, "labels");
    if (!lab)
        ld_err(L, root, "a crisis language file needs 'labels:' (call, chat, or, emergency)");
    else
        parse_words(L, lab, &lang->words);
    lang->idioms =
        ld_rules(L, ytree_get(root, "idioms"), "'idioms'", LD_PATTERN_ONLY, &lang->nidioms);
    lang->pats = ar_alloc(L->a, (size_t)c->ncats * sizeof(rule *));
    lang->npats = ar_alloc(L->a, (size_t)c->ncats * sizeof *lang->npats);
    lang->say = ar_alloc(L->a, (size_t)c->ncats * sizeof *lang->say);
    const ynode *cats = ytree_get(root, "categories");
    if (!cats)
        ld_err(L, root, "a crisis language file needs 'categories:'");
    else
        parse_categories(L, cats, lang);
    parse_followup(L, ytree_get(root, "followup"), &lang->followup);
    parse_checkin(L, ytree_get(root, "checkin"), &lang->ck);
    static const char *const must[] = {"medical",   "suicide-plan", "suicide",
                                       "self-harm", "abuse",        "harm-others"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        int k = category_index(c, must[i]);
        if (k >= 0 && !lang->npats[k])
            ld_err(L, root, "a crisis language file needs the category '%s'", must[i]);
    }
    c->nlangs++;
}
