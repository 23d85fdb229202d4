/*
 * graph.c - a skill's steps and transitions as Graphviz DOT text
 * (dbt_engine_dot), for `dbtcoach graph SKILL | dot -Tsvg > SKILL.svg`. It
 * only reads the model.
 */
#include <string.h>

#include "model.h"

/* Append `s` as the inside of a DOT string, cut to `max` characters. */
static void dot_text(strbuf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (; *s && n < max; s++, n++) {
        if (*s == '"' || *s == '\\')
            sb_addc(b, '\\');
        if (*s == '\n') {
            sb_addc(b, ' ');
            continue;
        }
        sb_addc(b, *s);
    }
    if (*s)
        sb_adds(b, "...");
}

/* A short label for a rule: its first example, else its pattern. */
static void rule_label(strbuf *b, const rule *r)
{
    if (r->cond) {
        sb_adds(b, "if ");
        dot_text(b, r->cond->src, 24);
        sb_adds(b, r->nexamples || r->npats ? ": " : "");
    }
    if (r->nexamples) {
        sb_addc(b, '\'');
        dot_text(b, r->examples[0], 22);
        sb_addc(b, '\'');
    } else if (r->npats) {
        sb_addc(b, '/');
        dot_text(b, r->pats[0]->src, 22);
        sb_addc(b, '/');
    } else if (!r->cond) {
        sb_adds(b, "anything");
    }
}

/* The edge of a rule that moves somewhere; nothing for one that does not. */
static void edge_to(strbuf *b, const dbt_engine *e, const skill *s, const char *from, const rule *r)
{
    if (r->act == ACT_GOTO && r->tstep >= 0)
        sb_printf(b, "  \"%s\" -> \"%s\" [label=\"", from, s->steps[r->tstep].id);
    else if ((r->act == ACT_START || r->act == ACT_CALL) && r->tskill >= 0)
        sb_printf(b, "  \"%s\" -> \"skill:%s\" [style=dashed, label=\"%s ", from,
                  e->skills[r->tskill].id, r->act == ACT_START ? "start" : "call");
    else if (r->act == ACT_END)
        sb_printf(b, "  \"%s\" -> \"(end)\" [label=\"", from);
    else
        return;
    rule_label(b, r);
    sb_adds(b, "\"];\n");
}

static void step_node(strbuf *b, const dbt_engine *e, const skill *s, int j, bool *any_end)
{
    const step *st = &s->steps[j];
    sb_printf(b, "  \"%s\" [label=\"%s", st->id, st->id);
    if (st->say.n) {
        sb_adds(b, "\\n");
        dot_text(b, st->say.v[0], 40);
    }
    sb_printf(b, "\"%s];\n", st->end ? ", peripheries=2" : j == s->start ? ", penwidth=2" : "");
    for (int r = 0; r < st->nrules; r++) {
        edge_to(b, e, s, st->id, &st->rules[r]);
        *any_end |= st->rules[r].act == ACT_END;
    }
    for (int k = 0; k < st->nbranches; k++) {
        const branch *br = &st->branches[k];
        if (br->tstep < 0)
            continue;
        sb_printf(b, "  \"%s\" -> \"%s\" [style=bold, label=\"", st->id, s->steps[br->tstep].id);
        if (br->cond)
            dot_text(b, br->cond->src, 30);
        else
            sb_adds(b, "otherwise");
        sb_adds(b, "\"];\n");
    }
    if (st->skip && st->skip_step >= 0)
        sb_printf(b, "  \"%s\" -> \"%s\" [style=dotted, label=\"skip\"];\n", st->id,
                  s->steps[st->skip_step].id);
}

char *dbt_engine_dot(const dbt_engine *e, const char *skill_id)
{
    if (!e || !skill_id)
        return NULL;
    int k = model_find_skill(e, skill_id);
    if (k < 0)
        return NULL;
    const skill *s = &e->skills[k];
    strbuf b;
    sb_init(&b);
    sb_printf(&b, "digraph \"%s\" {\n", s->id);
    sb_adds(&b, "  label=\"");
    dot_text(&b, s->title, 60);
    sb_printf(&b, " (%s)\"; labelloc=t; rankdir=TB;\n", s->id);
    sb_adds(&b, "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
    sb_adds(&b, "  edge [fontname=\"Helvetica\", fontsize=9];\n");
    bool any_end = false;
    for (int j = 0; j < s->nsteps; j++)
        step_node(&b, e, s, j, &any_end);
    for (int r = 0; r < s->nrules; r++)
        edge_to(&b, e, s, "(any step)", &s->rules[r]);
    if (s->nrules)
        sb_adds(&b, "  \"(any step)\" [shape=plaintext];\n");
    if (any_end)
        sb_adds(&b, "  \"(end)\" [shape=doublecircle, label=\"end\"];\n");
    sb_adds(&b, "}\n");
    if (b.oom || !b.s) {
        sb_free(&b);
        return NULL;
    }
    return b.s;
}
