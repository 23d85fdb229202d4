/*
 * load_rule.c - rules and conditions, the pieces every kind of script is
 * made of: match, examples, if, say, set and one action.
 */
#include <ctype.h>
#include <string.h>

#include "loader.h"
#include "template.h"
#include "text.h"

/* Conditions: "urge >= 8", "not answer", "a < b and c == yes". */
bool ld_ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

cond *ld_cond(loader *L, const ynode *n)
{
    const char *src = ld_str(L, n, "if");
    if (!src)
        return NULL;
    cond *c = ar_alloc(L->a, sizeof *c);
    c->src = src;
    c->pos = ld_at(L, n);
    c->t = ar_alloc(L->a, 8 * sizeof *c->t);
    const char *p = src;
    for (;;) {
        if (c->n == 8) {
            ld_err(L, n, "a condition may join at most 8 comparisons");
            return NULL;
        }
        cond_term *t = &c->t[c->n++];
        while (*p == ' ')
            p++;
        if (!strncmp(p, "not ", 4)) {
            t->negate = true;
            p += 4;
            while (*p == ' ')
                p++;
        }
        const char *a = p;
        while (ld_ident_char(*p))
            p++;
        if (p == a) {
            ld_err(L, n, "condition '%s': expected a variable name at '%s'", src, a);
            return NULL;
        }
        t->lhs = ar_strndup(L->a, a, (size_t)(p - a));
        while (*p == ' ')
            p++;
        static const struct {
            const char *s;
            cond_op op;
        } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
                   {"<", OP_LT},  {">", OP_GT},  {"=", OP_EQ}};
        t->op = OP_TRUTHY;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (!strncmp(p, ops[i].s, strlen(ops[i].s))) {
                t->op = ops[i].op;
                p += strlen(ops[i].s);
                break;
            }
        if (t->op != OP_TRUTHY) {
            if (t->negate) {
                ld_err(L, n, "condition '%s': 'not' goes only before a single name", src);
                return NULL;
            }
            while (*p == ' ')
                p++;
            const char *b = p;
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                b = p;
                while (*p && *p != q)
                    p++;
                if (!*p) {
                    ld_err(L, n, "condition '%s': unclosed quote", src);
                    return NULL;
                }
                t->rhs = ar_strndup(L->a, b, (size_t)(p - b));
                p++;
            } else {
                while (*p && *p != ' ')
                    p++;
                if (p == b) {
                    ld_err(L, n, "condition '%s': expected a value after the comparison", src);
                    return NULL;
                }
                t->rhs = ar_strndup(L->a, b, (size_t)(p - b));
                double num;
                t->rhs_word = !text_number(t->rhs, &num);
            }
        }
        while (*p == ' ')
            p++;
        if (!*p)
            return c;
        if (!strncmp(p, "and ", 4)) {
            p += 4;
            continue;
        }
        ld_err(L, n,
               "condition '%s': expected 'and' or the end at '%s' (comparisons: == != < <= > >=)",
               src, p);
        return NULL;
    }
}

void ld_rule(loader *L, const ynode *n, rule *r, ld_rule_kind kind)
{
    static const char *const step_keys[] = {"match", "examples", "if",  "say",     "set", "goto",
                                            "start", "call",     "end", "choices", NULL};
    static const char *const pat_keys[] = {"match", "examples", NULL};
    r->pos = ld_at(L, n);
    r->tskill = r->tstep = -1;
    if (!ld_want(L, n, YN_MAP, "a rule"))
        return;
    ld_check_keys(L, n, kind == LD_PATTERN_ONLY || kind == LD_TRIGGER ? "this rule" : "a rule",
                  kind == LD_PATTERN_ONLY || kind == LD_TRIGGER ? pat_keys : step_keys);
    const ynode *m = ytree_get(n, "match");
    if (m) {
        const ynode *one[1] = {m};
        const ynode *const *list = one;
        size_t cnt = 1;
        if (m->kind == YN_SEQ) {
            list = (const ynode *const *)m->items;
            cnt = m->n;
        }
        r->pats = ar_alloc(L->a, (cnt + 1) * sizeof(pattern *));
        for (size_t i = 0; i < cnt; i++) {
            pattern *p = ld_compile(L, list[i]);
            if (p)
                r->pats[r->npats++] = p;
        }
        if (cnt == 0)
            ld_err(L, m, "'match' is an empty list");
    } else if (kind == LD_PATTERN_ONLY || kind == LD_TRIGGER) {
        ld_err(L, n, "this rule needs 'match:'");
    }
    r->nexamples = ld_str_list(L, ytree_get(n, "examples"), "examples", &r->examples, &r->ex_pos);
    const ynode *c = ytree_get(n, "if");
    if (c)
        r->cond = ld_cond(L, c);
    r->say = ld_text(L, ytree_get(n, "say"), "say");
    const ynode *set = ytree_get(n, "set");
    if (set && ld_want(L, set, YN_MAP, "'set'")) {
        r->sets = ar_alloc(L->a, (set->n / 2 + 1) * sizeof *r->sets);
        for (size_t i = 0; i + 1 < set->n; i += 2) {
            const ynode *k = set->items[i], *v = set->items[i + 1];
            const char *s = ld_str(L, v, "a value in 'set'");
            if (!s)
                continue;
            for (const char *q = k->str; *q; q++)
                if (!ld_ident_char(*q)) {
                    ld_err(L, k, "variable name '%.80s' may use only letters, digits, _ and -",
                           k->str);
                    break;
                }
            size_t off;
            const char *msg;
            if (!tmpl_validate(s, &off, &msg, NULL, NULL)) {
                srcpos p = ld_at(L, v);
                p.col += (int)off + (v->plain ? 0 : 1);
                diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s", msg);
            }
            setvar *sv = &r->sets[r->nsets++];
            sv->var = k->str;
            sv->tmpl = s;
            sv->pos = ld_at(L, k);
        }
    }
    static const struct {
        const char *key;
        act_kind act;
    } acts[] = {{"goto", ACT_GOTO}, {"start", ACT_START}, {"call", ACT_CALL}};
    const ynode *first = NULL;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        const ynode *t = ytree_get(n, acts[i].key);
        if (!t)
            continue;
        if (first) {
            ld_err(L, t, "a rule can do only one of goto, start, call and end");
            continue;
        }
        first = t;
        r->act = acts[i].act;
        r->target = ld_str(L, t, acts[i].key);
        r->target_pos = ld_at(L, t);
    }
    const ynode *end = ytree_get(n, "end");
    if (end && ld_bool(L, end, "end")) {
        if (first)
            ld_err(L, end, "a rule can do only one of goto, start, call and end");
        else
            r->act = ACT_END;
    }
    if (r->act == ACT_GOTO && kind == LD_COACH)
        ld_err(L, first, "'goto' moves within a skill; here use 'start: skill-id' (or skill@step)");
    const ynode *ch = ytree_get(n, "choices");
    r->nchoices = ld_str_list(L, ch, "choices", &r->choices, NULL);
}

rule *ld_rules(loader *L, const ynode *n, const char *what, ld_rule_kind kind, int *count)
{
    *count = 0;
    if (!n || !ld_want(L, n, YN_SEQ, what))
        return NULL;
    rule *rs = ar_alloc(L->a, (n->n + 1) * sizeof *rs);
    for (size_t i = 0; i < n->n; i++)
        ld_rule(L, n->items[i], &rs[(*count)++], kind);
    return rs;
}
