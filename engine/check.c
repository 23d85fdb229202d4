/*
 * check.c - static checks of a loaded script set, for `dbtcoach check`:
 * examples that do not match their own rule, rules shadowed by an earlier
 * one, examples the crisis screen would catch, unreachable steps, steps with
 * no way forward, step cycles with no question between, free-text rules
 * without examples, and templates using variables nothing sets.
 */
#include <string.h>

#include "check.h"
#include "crisis.h"
#include "normalise.h"
#include "template.h"
#include "text.h"

typedef struct checker {
    const dbt_engine *e;
    diagsink *d;
    matcher m;
    u32vec cand, lits;
} checker;

/* Would the crisis screen catch `text`, cleaned as a turn cleans it? */
static bool screened(checker *C, const char *text)
{
    strbuf in, folded, lower;
    sb_init(&in);
    sb_init(&folded);
    sb_init(&lower);
    int c = -1;
    size_t n;
    const char *scr = text_clean(text, strlen(text), TEXT_MAX_SCREEN, &in)
                          ? text_for_screen(in.s, in.len, &folded, &lower, &n)
                          : NULL;
    if (scr)
        c = crisis_screen(C->e, &C->m, scr, lower.s, n, &C->cand, &C->lits);
    sb_free(&in);
    sb_free(&folded);
    sb_free(&lower);
    return c >= 0;
}

/* Does rule `r` match `text`, cleaned as a turn cleans what a person types? */
static bool any_pattern(checker *C, const rule *r, const strbuf *in)
{
    for (int k = 0; k < r->npats; k++)
        if (pat_match(r->pats[k], sb_str(in), in->len, 0, &C->m) == PM_MATCH)
            return true;
    return false;
}

/* Does the rule read `text` cleaned, as typed; with `normalised`, also as
 * a turn's rules read it: shorthand and elongation undone ("idk" reads "i
 * don't know"), then with typos fixed? */
static bool rule_matches(checker *C, const rule *r, const char *text, bool normalised)
{
    strbuf in, norm;
    sb_init(&in);
    sb_init(&norm);
    bool hit = false;
    const normaliser *nz = normalised ? C->e->nz : NULL;
    if (text_clean(text, strlen(text), TEXT_MAX_SCREEN, &in)) {
        hit = nz && nz_apply(nz, in.s, in.len, false, &norm) && any_pattern(C, r, &norm);
        hit = hit || any_pattern(C, r, &in);
        sb_clear(&norm);
        hit = hit || (nz && nz_apply(nz, in.s, in.len, true, &norm) && any_pattern(C, r, &norm));
    }
    sb_free(&in);
    sb_free(&norm);
    return hit;
}

/* Does the pattern hit the match limit on inputs known to make nested
 * repeats backtrack without end? */
static bool is_slow(checker *C, const pattern *p)
{
    static const char *const probes[] = {
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
        "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a !",
        "1111111111111111111111111111111111111111111111111111111111111111111111111111111x",
        "i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i i",
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        char buf[400];
        /* repeat the probe to a few hundred bytes */
        size_t n = 0, l = strlen(probes[i]);
        while (n + l < sizeof buf) {
            memcpy(buf + n, probes[i], l);
            n += l;
        }
        if (pat_match(p, buf, n, 0, &C->m) == PM_LIMIT)
            return true;
    }
    return false;
}

/* A catch-all rule: no pattern, or one that matches anything (".+"). */
static bool is_free_text(const rule *r)
{
    for (int k = 0; k < r->npats; k++) {
        const char *s = r->pats[k]->src;
        if (strstr(s, ".+") || strstr(s, ".*") || strstr(s, ".{"))
            return true;
    }
    return false;
}

static void check_rules(checker *C, const rule *rules, int n, bool crisis_warn)
{
    for (int i = 0; i < n; i++) {
        const rule *r = &rules[i];
        for (int x = 0; x < r->nexamples; x++) {
            const char *ex = r->examples[x];
            if (r->npats && !rule_matches(C, r, ex, true))
                diag_report(C->d, DBT_SEVERITY_ERROR, &r->ex_pos[x],
                            "example \"%s\" does not match this rule's pattern", ex);
            if (crisis_warn && screened(C, ex))
                diag_report(C->d, DBT_SEVERITY_WARNING, &r->ex_pos[x],
                            "the crisis screen catches example \"%s\"; a person typing this "
                            "gets the crisis reply, not this rule",
                            ex);
        }
        for (int k = 0; k < r->npats; k++)
            if (is_slow(C, r->pats[k]))
                diag_report(C->d, DBT_SEVERITY_WARNING, &r->pos,
                            "the pattern /%.60s/ can run into the match limit on some inputs "
                            "(nested repeats such as (a+)+ backtrack without end); when it does, "
                            "the rule does not fire",
                            r->pats[k]->src);
        if (r->npats && !r->nexamples && is_free_text(r))
            diag_report(C->d, DBT_SEVERITY_WARNING, &r->pos,
                        "a rule that takes free text needs 'examples:' to show what it is for");
        /* Shadowed: an earlier unconditional rule catches every example. */
        if (!r->nexamples)
            continue;
        for (int j = 0; j < i; j++) {
            const rule *q = &rules[j];
            if (q->cond)
                continue;
            bool all = true;
            for (int x = 0; x < r->nexamples && all; x++)
                all = !q->npats || rule_matches(C, q, r->examples[x], false);
            if (all) {
                diag_report(
                    C->d, DBT_SEVERITY_WARNING, &r->pos,
                    "this rule can never fire: the rule at line %d catches all its examples "
                    "first",
                    q->pos.line);
                break;
            }
        }
    }
}

/* Names of variables, collected per skill. */
typedef struct names {
    const char *v[512];
    size_t len[512];
    int n;
} names;

static void add_name(void *ud, const char *name, size_t len)
{
    names *ns = ud;
    if (ns->n < 512) {
        ns->v[ns->n] = name;
        ns->len[ns->n++] = len;
    }
}

static bool has_name(const names *ns, const char *name, size_t len)
{
    for (int i = 0; i < ns->n; i++)
        if (ns->len[i] == len && !memcmp(ns->v[i], name, len))
            return true;
    return false;
}

typedef struct tmpl_ctx {
    checker *C;
    const names *set;
    const rule *r; /* the rule whose captures are visible, or NULL */
    const textv *t;
} tmpl_ctx;

static bool special(const char *n, size_t l)
{
    static const char *const sp[] = {"menu", "skill", "hotline", "emergency", "scope", "title"};
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++)
        if (strlen(sp[i]) == l && !memcmp(sp[i], n, l))
            return true;
    return false;
}

static bool is_capture(const rule *r, const char *n, size_t l)
{
    if (!r)
        return false;
    if (n[0] >= '0' && n[0] <= '9')
        return true;
    char buf[64];
    if (l >= sizeof buf)
        return false;
    memcpy(buf, n, l);
    buf[l] = '\0';
    for (int k = 0; k < r->npats; k++)
        if (pat_group_number(r->pats[k], buf) > 0)
            return true;
    return false;
}

static void check_use(void *ud, const char *name, size_t len)
{
    tmpl_ctx *tc = ud;
    /* {name|default} is fine when unset. */
    if (name[len] == '|' || special(name, len) || has_name(tc->set, name, len) ||
        is_capture(tc->r, name, len))
        return;
    diag_report(tc->C->d, DBT_SEVERITY_WARNING, &tc->t->pos,
                "{%.*s} is used here, but nothing in this skill sets it (add it to a rule's "
                "'set:', or write {%.*s|words to say when it is unset})",
                (int)len, name, (int)len, name);
}

static void check_text(checker *C, const textv *t, const names *set, const rule *r)
{
    tmpl_ctx tc = {C, set, r, t};
    for (int i = 0; i < t->n; i++) {
        size_t off;
        const char *msg;
        tmpl_validate(t->v[i], &off, &msg, check_use, &tc);
    }
}

static void collect_sets(const rule *rules, int n, names *ns)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < rules[i].nsets; k++)
            add_name(ns, rules[i].sets[k].var, strlen(rules[i].sets[k].var));
}

static void mark(const skill *s, int st, bool *seen)
{
    if (st < 0 || seen[st])
        return;
    seen[st] = true;
    const step *p = &s->steps[st];
    for (int i = 0; i < p->nrules; i++)
        if (p->rules[i].act == ACT_GOTO)
            mark(s, p->rules[i].tstep, seen);
    for (int i = 0; i < p->nbranches; i++)
        mark(s, p->branches[i].tstep, seen);
    if (p->skip_step >= 0)
        mark(s, p->skip_step, seen);
    for (int i = 0; i < s->nrules; i++)
        if (s->rules[i].act == ACT_GOTO)
            mark(s, s->rules[i].tstep, seen);
}

/* Does following branches from `st` come back to a step already on the path? */
static bool branch_cycle(const skill *s, int st, int *onpath, int depth)
{
    if (depth > s->nsteps)
        return true;
    onpath[st] = 1;
    const step *p = &s->steps[st];
    for (int i = 0; i < p->nbranches; i++) {
        int t = p->branches[i].tstep;
        if (t < 0)
            continue;
        if (onpath[t] || branch_cycle(s, t, onpath, depth + 1)) {
            onpath[st] = 0;
            return true;
        }
    }
    onpath[st] = 0;
    return false;
}

/* Mark the steps of skill `k` that rules anywhere enter with start or call. */
static void mark_entries(const dbt_engine *e, int k, const rule *rules, int n, bool *seen)
{
    for (int i = 0; i < n; i++)
        if ((rules[i].act == ACT_START || rules[i].act == ACT_CALL) && rules[i].tskill == k)
            mark(&e->skills[k], rules[i].tstep, seen);
}

static void mark_all_entries(const dbt_engine *e, int k, bool *seen)
{
    for (int i = 0; i < e->nskills; i++) {
        const skill *o = &e->skills[i];
        for (int j = 0; j < o->nsteps; j++)
            mark_entries(e, k, o->steps[j].rules, o->steps[j].nrules, seen);
        mark_entries(e, k, o->rules, o->nrules, seen);
    }
    mark_entries(e, k, e->coach.routes, e->coach.nroutes, seen);
    mark_entries(e, k, e->crisis.followup.rules, e->crisis.followup.nrules, seen);
}

static void check_skill(checker *C, const skill *s)
{
    names set = {0};
    for (int j = 0; j < s->nsteps; j++)
        collect_sets(s->steps[j].rules, s->steps[j].nrules, &set);
    collect_sets(s->rules, s->nrules, &set);

    check_rules(C, s->triggers, s->ntriggers, true);
    check_rules(C, s->rules, s->nrules, true);
    bool seen[1024] = {0};
    int onpath[1024] = {0};
    if (s->nsteps <= 1024) {
        mark(s, s->start, seen);
        mark_all_entries(C->e, (int)(s - C->e->skills), seen);
    }
    for (int j = 0; j < s->nsteps; j++) {
        const step *st = &s->steps[j];
        check_rules(C, st->rules, st->nrules, true);
        check_text(C, &st->say, &set, NULL);
        check_text(C, &st->fallback, &set, NULL);
        for (int k = 0; k < st->nrules; k++)
            check_text(C, &st->rules[k].say, &set, &st->rules[k]);
        if (s->nsteps <= 1024 && !seen[j])
            diag_report(C->d, DBT_SEVERITY_WARNING, &st->pos,
                        "step '%s' can never be reached from 'start'", st->id);
        bool moves = st->end || st->nbranches;
        for (int k = 0; k < st->nrules && !moves; k++)
            moves = st->rules[k].act != ACT_NONE;
        for (int k = 0; k < s->nrules && !moves; k++)
            moves = s->rules[k].act != ACT_NONE;
        if (!moves)
            diag_report(C->d, DBT_SEVERITY_WARNING, &st->pos,
                        "step '%s' has no way forward: no rule goes anywhere and it is not an "
                        "end (add 'end: true' or a rule with goto)",
                        st->id);
        if (st->nbranches && s->nsteps <= 1024 && branch_cycle(s, j, onpath, 0))
            diag_report(C->d, DBT_SEVERITY_WARNING, &st->pos,
                        "step '%s' can go round in a circle of branches with no question between",
                        st->id);
        if (st->nbranches && st->branches[st->nbranches - 1].cond)
            diag_report(C->d, DBT_SEVERITY_WARNING, &st->branches[st->nbranches - 1].pos,
                        "the last branch has an 'if': when no condition holds the person is left "
                        "on step '%s' with nothing to answer",
                        st->id);
    }
}

/* Commands run before triggers: a trigger example that a command answers
 * (other than starting this same skill) never reaches the trigger. */
static void check_triggers_vs_commands(checker *C, int k)
{
    const dbt_engine *e = C->e;
    const skill *s = &e->skills[k];
    static const char *const cmd_names[CMD__COUNT] = {
        "help", "menu", "back", "skip", "stop", "quit", "crisis", "explain", "practice", "about"};
    strbuf in;
    sb_init(&in);
    for (int i = 0; i < s->ntriggers; i++) {
        const rule *r = &s->triggers[i];
        for (int x = 0; x < r->nexamples; x++) {
            if (!text_clean(r->examples[x], strlen(r->examples[x]), TEXT_MAX_SCREEN, &in))
                continue;
            for (int c = 0; c < e->coach.ncommands; c++) {
                const command *cmd = &e->coach.commands[c];
                if (!cmd->r.npats ||
                    pat_match(cmd->r.pats[0], sb_str(&in), in.len, 0, &C->m) != PM_MATCH)
                    continue;
                if (cmd->kind == CMD_STOP)
                    continue; /* outside an exercise "stop" falls through */
                if (cmd->kind == CMD_EXPLAIN || cmd->kind == CMD_PRACTICE) {
                    int g = pat_group_number(cmd->r.pats[0], "name");
                    size_t off, len;
                    int named = g > 0 && pat_group(&C->m, (unsigned)g, &off, &len)
                                    ? model_skill_by_name(e, sb_str(&in) + off, len)
                                    : -1;
                    if (named < 0 || (named == k && cmd->kind == CMD_PRACTICE))
                        continue; /* falls through, or starts this skill anyway */
                }
                diag_report(C->d, DBT_SEVERITY_WARNING, &r->ex_pos[x],
                            "example \"%s\" never reaches this trigger: the '%s' command answers "
                            "it first",
                            r->examples[x], cmd_names[cmd->kind]);
                break;
            }
        }
    }
    sb_free(&in);
}

void check_engine(const dbt_engine *e, diagsink *d)
{
    checker C = {e, d, {0}, {0}, {0}};
    if (!matcher_init(&C.m, (unsigned)e->max_captures, e->mctx))
        return;
    for (int i = 0; i < e->nskills; i++) {
        check_skill(&C, &e->skills[i]);
        check_triggers_vs_commands(&C, i);
    }
    for (int i = 0; i < e->coach.ncommands; i++)
        check_rules(&C, &e->coach.commands[i].r, 1, false);
    check_rules(&C, e->coach.routes, e->coach.nroutes, true);
    check_rules(&C, e->crisis.idioms, e->crisis.nidioms, false);
    for (int c = 0; c < e->crisis.ncats; c++)
        check_rules(&C, e->crisis.cats[c].pats, e->crisis.cats[c].npats, false);
    check_rules(&C, e->crisis.followup.rules, e->crisis.followup.nrules, false);
    for (int l = 0; l < e->crisis.nlangs; l++) {
        const crisis_lang *lg = &e->crisis.langs[l];
        check_rules(&C, lg->idioms, lg->nidioms, false);
        for (int c = 0; c < e->crisis.ncats; c++)
            check_rules(&C, lg->pats[c], lg->npats[c], false);
        check_rules(&C, lg->followup.rules, lg->followup.nrules, false);
    }
    for (int i = 0; i < e->nconcepts; i++)
        if (!e->concepts[i].used)
            diag_report(d, DBT_SEVERITY_WARNING, &e->concepts[i].pos,
                        "concept ~%s is never used in a pattern", e->concepts[i].name);
    matcher_free(&C.m);
    u32_free(&C.cand);
    u32_free(&C.lits);
}
