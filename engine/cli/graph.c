/*
 * graph.c - `dbtcoach graph SKILL`: a skill's steps and transitions as
 * Graphviz DOT, for `dbtcoach graph stop | dot -Tsvg > stop.svg`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "model.h"

/* Print `s` as the inside of a DOT string, cut to `max` characters. */
static void dot_text(const char *s, size_t max)
{
    size_t n = 0;
    for (; *s && n < max; s++, n++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        if (*s == '\n') {
            fputs(" ", stdout);
            continue;
        }
        putchar(*s);
    }
    if (*s)
        fputs("...", stdout);
}

/* A short label for a rule: its first example, else its pattern. */
static void rule_label(const rule *r)
{
    if (r->cond) {
        fputs("if ", stdout);
        dot_text(r->cond->src, 24);
        fputs(r->nexamples || r->npats ? ": " : "", stdout);
    }
    if (r->nexamples) {
        putchar('\'');
        dot_text(r->examples[0], 22);
        putchar('\'');
    } else if (r->npats) {
        putchar('/');
        dot_text(r->pats[0]->src, 22);
        putchar('/');
    } else if (!r->cond) {
        fputs("anything", stdout);
    }
}

static void edge_to(const dbt_engine *e, const skill *s, const char *from, const rule *r)
{
    if (r->act == ACT_GOTO && r->tstep >= 0)
        printf("  \"%s\" -> \"%s\" [label=\"", from, s->steps[r->tstep].id);
    else if ((r->act == ACT_START || r->act == ACT_CALL) && r->tskill >= 0)
        printf("  \"%s\" -> \"skill:%s\" [style=dashed, label=\"%s ", from, e->skills[r->tskill].id,
               r->act == ACT_START ? "start" : "call");
    else if (r->act == ACT_END)
        printf("  \"%s\" -> \"(end)\" [label=\"", from);
    else
        return;
    rule_label(r);
    fputs("\"];\n", stdout);
}

int graph_main(int argc, char **argv, const cli_opts *o)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: dbtcoach graph SKILL   (then: | dot -Tsvg > SKILL.svg)\n");
        return 2;
    }
    dbt_engine *e = cli_load(o->skills, false, false, NULL, NULL);
    if (!e)
        return 2;
    int k = model_find_skill(e, argv[1]);
    if (k < 0) {
        fprintf(stderr, "dbtcoach graph: no skill '%s' (see: dbtcoach skills)\n", argv[1]);
        dbt_engine_free(e);
        return 2;
    }
    const skill *s = &e->skills[k];
    printf("digraph \"%s\" {\n", s->id);
    printf("  label=\"");
    dot_text(s->title, 60);
    printf(" (%s)\"; labelloc=t; rankdir=TB;\n", s->id);
    printf("  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];\n");
    printf("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    bool any_end = false;
    for (int j = 0; j < s->nsteps; j++) {
        const step *st = &s->steps[j];
        printf("  \"%s\" [label=\"%s", st->id, st->id);
        if (st->say.n) {
            fputs("\\n", stdout);
            dot_text(st->say.v[0], 40);
        }
        printf("\"%s];\n", st->end ? ", peripheries=2" : j == s->start ? ", penwidth=2" : "");
        for (int r = 0; r < st->nrules; r++) {
            edge_to(e, s, st->id, &st->rules[r]);
            any_end |= st->rules[r].act == ACT_END;
        }
        for (int b = 0; b < st->nbranches; b++) {
            const branch *br = &st->branches[b];
            if (br->tstep < 0)
                continue;
            printf("  \"%s\" -> \"%s\" [style=bold, label=\"", st->id, s->steps[br->tstep].id);
            if (br->cond)
                dot_text(br->cond->src, 30);
            else
                fputs("otherwise", stdout);
            fputs("\"];\n", stdout);
        }
        if (st->skip && st->skip_step >= 0)
            printf("  \"%s\" -> \"%s\" [style=dotted, label=\"skip\"];\n", st->id,
                   s->steps[st->skip_step].id);
    }
    for (int r = 0; r < s->nrules; r++)
        edge_to(e, s, "(any step)", &s->rules[r]);
    if (s->nrules)
        printf("  \"(any step)\" [shape=plaintext];\n");
    if (any_end)
        printf("  \"(end)\" [shape=doublecircle, label=\"end\"];\n");
    printf("}\n");
    dbt_engine_free(e);
    return 0;
}
