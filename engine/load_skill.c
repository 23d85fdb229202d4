/*
 * load_skill.c - one skill file (id, title, module, triggers, steps) into
 * the model. Names are resolved later, once every file is read (load.c).
 */
#include <ctype.h>
#include <string.h>

#include "loader.h"

static void parse_timer(loader *L, const ynode *n, dbt_timer *t)
{
    static const char *const keys[] = {"seconds", "breathe", NULL};
    static const char *const bkeys[] = {"in", "hold", "out", "cycles", NULL};
    if (!ld_want(L, n, YN_MAP, "'timer'") || !ld_check_keys(L, n, "a timer", keys))
        return;
    const ynode *sec = ytree_get(n, "seconds"), *br = ytree_get(n, "breathe");
    if (sec && br) {
        ld_err(L, n, "a timer is either 'seconds' or 'breathe', not both");
        return;
    }
    if (sec) {
        t->kind = DBT_TIMER_COUNTDOWN;
        t->seconds = ld_int(L, sec, "seconds", 1, 3600);
    } else if (br) {
        if (!ld_want(L, br, YN_MAP, "'breathe'") || !ld_check_keys(L, br, "'breathe'", bkeys))
            return;
        t->kind = DBT_TIMER_BREATHE;
        const ynode *x;
        t->breathe_in = (x = ytree_get(br, "in")) ? ld_int(L, x, "in", 1, 30) : 4;
        t->hold = (x = ytree_get(br, "hold")) ? ld_int(L, x, "hold", 0, 30) : 0;
        t->breathe_out = (x = ytree_get(br, "out")) ? ld_int(L, x, "out", 1, 30) : 6;
        t->cycles = (x = ytree_get(br, "cycles")) ? ld_int(L, x, "cycles", 1, 100) : 5;
        t->seconds = (t->breathe_in + t->hold + t->breathe_out) * t->cycles;
    } else {
        ld_err(L, n, "a timer needs 'seconds' or 'breathe'");
    }
}

static void parse_step(loader *L, const ynode *n, step *st)
{
    static const char *const keys[] = {"say",   "choices", "rules", "fallback", "branch",   "skip",
                                       "timer", "end",     "why",   "hint",     "rephrase", NULL};
    st->skip_step = -1;
    if (!ld_want(L, n, YN_MAP, "a step"))
        return;
    ld_check_keys(L, n, "a step", keys);
    st->say = ld_text(L, ytree_get(n, "say"), "say");
    st->nchoices = ld_str_list(L, ytree_get(n, "choices"), "choices", &st->choices, NULL);
    st->rules = ld_rules(L, ytree_get(n, "rules"), "'rules'", LD_STEP, &st->nrules);
    for (int i = 0; i < st->nrules && !st->rating; i++)
        for (int k = 0; k < st->rules[i].npats && !st->rating; k++)
            if (pat_group_number(st->rules[i].pats[k], "rating") >= 0)
                st->rating = st->rules[i].pats[k];
    st->fallback = ld_text(L, ytree_get(n, "fallback"), "fallback");
    st->why = ld_text(L, ytree_get(n, "why"), "why");
    st->hint = ld_text(L, ytree_get(n, "hint"), "hint");
    st->rephrase = ld_text(L, ytree_get(n, "rephrase"), "rephrase");
    const ynode *br = ytree_get(n, "branch");
    if (br && ld_want(L, br, YN_SEQ, "'branch'")) {
        st->branches = ar_alloc(L->a, (br->n + 1) * sizeof *st->branches);
        for (size_t i = 0; i < br->n; i++) {
            static const char *const bkeys[] = {"if", "goto", NULL};
            const ynode *b = br->items[i];
            if (!ld_want(L, b, YN_MAP, "a branch") || !ld_check_keys(L, b, "a branch", bkeys))
                continue;
            branch *x = &st->branches[st->nbranches++];
            x->pos = ld_at(L, b);
            x->tstep = -1;
            const ynode *c = ytree_get(b, "if");
            if (c)
                x->cond = ld_cond(L, c);
            const ynode *g = ytree_get(b, "goto");
            if (!g)
                ld_err(L, b, "a branch needs 'goto:'");
            else {
                x->target = ld_str(L, g, "goto");
                x->pos = ld_at(L, g);
            }
        }
        if (st->nrules)
            ld_err(L, br, "a step has either 'branch' (it moves on at once) or 'rules', not both");
    }
    const ynode *sk = ytree_get(n, "skip");
    if (sk) {
        st->skip = ld_str(L, sk, "skip");
        st->skip_pos = ld_at(L, sk);
    }
    const ynode *tm = ytree_get(n, "timer");
    if (tm)
        parse_timer(L, tm, &st->timer);
    st->end = ld_bool(L, ytree_get(n, "end"), "end");
    if (st->end && (st->nrules || st->nbranches))
        ld_err(L, n,
               "an end step cannot have 'rules' or 'branch': the skill is over once it is said");
}

static const char *const modules[] = {"mindfulness",
                                      "distress-tolerance",
                                      "emotion-regulation",
                                      "interpersonal-effectiveness",
                                      "tools",
                                      NULL};

static bool valid_id(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

void ld_skill(loader *L, const ynode *root)
{
    static const char *const keys[] = {"id",    "title",    "module",   "summary",
                                       "about", "aliases",  "triggers", "steps",
                                       "rules", "fallback", "concepts", NULL};
    if (!ld_want(L, root, YN_MAP, "a skill file"))
        return;
    ld_check_keys(L, root, "a skill", keys);
    ld_concepts(L, ytree_get(root, "concepts"), true);
    dbt_engine *e = L->e;
    skill *s = &e->skills[e->nskills];
    memset(s, 0, sizeof *s);
    s->file = L->file;
    s->pos = ld_at(L, root);
    s->id = ld_need_str(L, root, "id", "a skill");
    if (s->id && !valid_id(s->id))
        ld_err(L, ytree_get(root, "id"),
               "skill id '%.80s' may use only lowercase letters, digits and -", s->id);
    s->title = ld_need_str(L, root, "title", "a skill");
    s->module = ld_need_str(L, root, "module", "a skill");
    if (s->module) {
        bool ok = false;
        for (const char *const *m = modules; *m; m++)
            ok |= !strcmp(*m, s->module);
        if (!ok)
            ld_err(L, ytree_get(root, "module"),
                   "unknown module '%.80s' (mindfulness, distress-tolerance, emotion-regulation, "
                   "interpersonal-effectiveness or tools)",
                   s->module);
    }
    s->summary = ld_need_str(L, root, "summary", "a skill");
    s->about = ld_opt_str(L, root, "about");
    if (!s->about)
        s->about = s->summary;
    s->naliases = ld_str_list(L, ytree_get(root, "aliases"), "aliases", &s->aliases, NULL);
    s->triggers = ld_rules(L, ytree_get(root, "triggers"), "'triggers'", LD_TRIGGER, &s->ntriggers);
    s->rules = ld_rules(L, ytree_get(root, "rules"), "'rules'", LD_STEP, &s->nrules);
    s->fallback = ld_text(L, ytree_get(root, "fallback"), "fallback");
    const ynode *steps = ytree_get(root, "steps");
    s->start = -1;
    if (!steps)
        ld_err(L, root, "a skill needs 'steps:', with one named 'start'");
    else if (ld_want(L, steps, YN_MAP, "'steps'")) {
        s->steps = ar_alloc(L->a, (steps->n / 2 + 1) * sizeof *s->steps);
        for (size_t i = 0; i + 1 < steps->n; i += 2) {
            step *st = &s->steps[s->nsteps++];
            st->id = steps->items[i]->str;
            st->pos = ld_at(L, steps->items[i]);
            if (!valid_id(st->id))
                ld_err(L, steps->items[i],
                       "step name '%.80s' may use only lowercase letters, digits and -", st->id);
            parse_step(L, steps->items[i + 1], st);
            if (!strcmp(st->id, "start"))
                s->start = s->nsteps - 1;
        }
        if (s->start < 0)
            ld_err(L, steps, "a skill needs a step named 'start', where it begins");
        if (s->nsteps > 10000)
            ld_err(L, steps, "a skill may have at most 10000 steps");
    }
    if (!s->id || !s->title || !s->module || !s->summary)
        return;
    if (e->nskills >= 10000) {
        ld_err(L, root, "at most 10000 skills can be loaded");
        return;
    }
    for (int i = 0; i < e->nskills; i++)
        if (!strcmp(e->skills[i].id, s->id)) {
            ld_err(L, ytree_get(root, "id"), "duplicate skill id '%s' (also in %s:%d)", s->id,
                   e->skills[i].file, e->skills[i].pos.line);
            return;
        }
    e->nskills++;
}
