/*
 * ytree.c - libyaml events into a positioned tree.
 */
#include "ytree.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

typedef struct builder {
    arena *a;
    yaml_parser_t p;
    size_t nodes;
    char *msg;
    size_t msgsize;
    int line, col;
    yaml_event_t *live; /* the event being built from, freed on out-of-memory */
} builder;

static bool fail(builder *b, const yaml_mark_t *m, const char *fmt, const char *arg)
{
    snprintf(b->msg, b->msgsize, fmt, arg);
    b->line = (int)m->line + 1;
    b->col = (int)m->column + 1;
    return false;
}

static bool next(builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->p, ev))
        return true;
    const char *problem = b->p.problem ? b->p.problem : "invalid YAML";
    if (b->p.error == YAML_MEMORY_ERROR)
        problem = "out of memory";
    snprintf(b->msg, b->msgsize, "YAML syntax: %s%s%s", problem, b->p.context ? " " : "",
             b->p.context ? b->p.context : "");
    /* An unclosed quote runs to the end of the file: point at where it
     * began, not at the end. */
    const yaml_mark_t *m = &b->p.problem_mark;
    if (b->p.context && strstr(problem, "end of stream"))
        m = &b->p.context_mark;
    b->line = (int)m->line + 1;
    b->col = (int)m->column + 1;
    return false;
}

static ynode *new_node(builder *b, ynode_kind k, const yaml_mark_t *m)
{
    ynode *n = ar_alloc(b->a, sizeof *n);
    n->kind = k;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

static bool push(builder *b, ynode *parent, ynode *child, size_t *cap)
{
    if (parent->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ynode **items = ar_alloc(b->a, ncap * sizeof(ynode *));
        if (parent->n)
            memcpy(items, parent->items, parent->n * sizeof(ynode *));
        parent->items = items;
        *cap = ncap;
    }
    parent->items[parent->n++] = child;
    return true;
}

static bool same_key(const ynode *a, const ynode *b)
{
    return a->kind == YN_SCALAR && b->kind == YN_SCALAR && a->len == b->len &&
           memcmp(a->str, b->str, a->len) == 0;
}

/* Build the node whose first event is `ev` (already taken). */
static ynode *build(builder *b, yaml_event_t *ev, int depth)
{
    if (++b->nodes > YTREE_MAX_NODES) {
        fail(b, &ev->start_mark, "%s", "the file has too many YAML nodes");
        return NULL;
    }
    if (depth > YTREE_MAX_DEPTH) {
        fail(b, &ev->start_mark, "%s", "YAML nested too deeply");
        return NULL;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        fail(b, &ev->start_mark, "%s",
             "YAML aliases (*name) are not allowed in scripts; write the text out");
        return NULL;
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.anchor) {
            fail(b, &ev->start_mark, "%s", "YAML anchors (&name) are not allowed in scripts");
            return NULL;
        }
        b->live = ev;
        ynode *n = new_node(b, YN_SCALAR, &ev->start_mark);
        n->str = ar_strndup(b->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
        n->len = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n->block = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                   ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
        b->live = NULL;
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor =
            map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        if (anchor) {
            fail(b, &ev->start_mark, "%s", "YAML anchors (&name) are not allowed in scripts");
            return NULL;
        }
        b->live = ev;
        ynode *n = new_node(b, map ? YN_MAP : YN_SEQ, &ev->start_mark);
        b->live = NULL;
        /* The start event is no longer needed: free it now, so that nothing
         * but the event being built from is alive when memory runs out. */
        yaml_event_delete(ev);
        size_t cap = 0;
        for (;;) {
            yaml_event_t child;
            if (!next(b, &child))
                return NULL;
            if (child.type == YAML_SEQUENCE_END_EVENT || child.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&child);
                return n;
            }
            ynode *c = build(b, &child, depth + 1);
            yaml_event_delete(&child);
            b->live = NULL;
            if (!c)
                return NULL;
            if (map && n->n % 2 == 0) {
                if (c->kind != YN_SCALAR) {
                    snprintf(b->msg, b->msgsize, "a key must be a plain word");
                    b->line = c->line;
                    b->col = c->col;
                    return NULL;
                }
                for (size_t i = 0; i < n->n; i += 2)
                    if (same_key(n->items[i], c)) {
                        snprintf(b->msg, b->msgsize, "duplicate key '%.100s' (first at line %d)",
                                 c->str, n->items[i]->line);
                        b->line = c->line;
                        b->col = c->col;
                        return NULL;
                    }
            }
            push(b, n, c, &cap);
        }
    }
    default: fail(b, &ev->start_mark, "%s", "unexpected YAML event"); return NULL;
    }
}

ynode *ytree_parse(arena *a, const char *buf, size_t len, char *msg, size_t msgsize, int *line,
                   int *col)
{
    static builder zero;
    builder b = zero;
    b.a = a;
    b.msg = msg;
    b.msgsize = msgsize;
    msg[0] = '\0';
    *line = *col = 0;
    if (!yaml_parser_initialize(&b.p)) {
        snprintf(msg, msgsize, "out of memory");
        return NULL;
    }
    jmp_buf jb;
    jmp_buf *saved = a->oom;
    /* The arena jumps here while parsing, and is given back its own handler
     * before this function returns. */
    // cppcheck-suppress autoVariables
    a->oom = &jb;
    if (setjmp(jb)) {
        if (b.live)
            yaml_event_delete(b.live);
        yaml_parser_delete(&b.p);
        a->oom = saved;
        snprintf(msg, msgsize, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&b.p, (const unsigned char *)buf, len);
    yaml_parser_set_encoding(&b.p, YAML_UTF8_ENCODING);
    ynode *root = NULL;
    yaml_event_t ev;
    bool ok = true;
    /* stream start, document start */
    while (ok) {
        if (!next(&b, &ev)) {
            ok = false;
            break;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (t == YAML_DOCUMENT_START_EVENT) {
            if (root) {
                fail(&b, &ev.start_mark, "%s", "only one YAML document per file");
                yaml_event_delete(&ev);
                ok = false;
                break;
            }
            yaml_event_delete(&ev);
            continue;
        }
        root = build(&b, &ev, 0);
        yaml_event_delete(&ev);
        if (!root)
            ok = false;
    }
    yaml_parser_delete(&b.p);
    a->oom = saved;
    if (!ok) {
        *line = b.line;
        *col = b.col;
        return NULL;
    }
    return root;
}

ynode *ytree_get(const ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->len == kl && memcmp(map->items[i]->str, key, kl) == 0)
            return map->items[i + 1];
    return NULL;
}
