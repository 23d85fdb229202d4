/*
 * ydoc.c - libyaml events into a positioned tree (see ydoc.h).
 */
#include "ydoc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct ydoc_block {
    ydoc_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

enum { BLOCK_SIZE = 16 * 1024 };

typedef struct builder {
    ydoc *d;
    yaml_parser_t p;
    size_t nodes;
    char *msg;
    size_t msgsize;
    int line, col;
} builder;

/* Zeroed memory that lives as long as the document; NULL when out of it. */
static void *alloc(ydoc *d, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    ydoc_block *b = d->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = d->blocks;
        d->blocks = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

static bool fail_at(builder *b, int line, int col, const char *msg)
{
    snprintf(b->msg, b->msgsize, "%s", msg);
    b->line = line;
    b->col = col;
    return false;
}

static bool fail(builder *b, const yaml_mark_t *m, const char *msg)
{
    return fail_at(b, (int)m->line + 1, (int)m->column + 1, msg);
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

static ydoc_node *new_node(builder *b, ydoc_kind k, const yaml_mark_t *m)
{
    ydoc_node *n = alloc(b->d, sizeof *n);
    if (!n) {
        fail(b, m, "out of memory");
        return NULL;
    }
    n->kind = k;
    n->line = (int)m->line + 1;
    n->col = (int)m->column + 1;
    return n;
}

static bool push(builder *b, ydoc_node *parent, ydoc_node *child, size_t *cap)
{
    if (parent->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ydoc_node **items = alloc(b->d, ncap * sizeof(ydoc_node *));
        if (!items)
            return fail_at(b, child->line, child->col, "out of memory");
        if (parent->n)
            memcpy(items, parent->items, parent->n * sizeof(ydoc_node *));
        parent->items = items;
        *cap = ncap;
    }
    parent->items[parent->n++] = child;
    return true;
}

static bool same_key(const ydoc_node *a, const ydoc_node *b)
{
    return a->kind == YDOC_SCALAR && b->kind == YDOC_SCALAR && a->len == b->len &&
           memcmp(a->str, b->str, a->len) == 0;
}

static ydoc_node *build(builder *b, yaml_event_t *ev, int depth);

/* A key of mapping `map` must be a scalar and new in it. */
static bool key_ok(builder *b, const ydoc_node *map, const ydoc_node *key)
{
    if (key->kind != YDOC_SCALAR)
        return fail_at(b, key->line, key->col, "a key must be a plain word");
    for (size_t i = 0; i < map->n; i += 2)
        if (same_key(map->items[i], key)) {
            snprintf(b->msg, b->msgsize, "duplicate key '%.100s' (first at line %d)", key->str,
                     map->items[i]->line);
            b->line = key->line;
            b->col = key->col;
            return false;
        }
    return true;
}

/* The items of a sequence or mapping, up to its end event. */
static ydoc_node *build_children(builder *b, ydoc_node *n, int depth)
{
    size_t cap = 0;
    for (;;) {
        yaml_event_t child;
        if (!next(b, &child))
            return NULL;
        if (child.type == YAML_SEQUENCE_END_EVENT || child.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&child);
            return n;
        }
        ydoc_node *c = build(b, &child, depth + 1);
        yaml_event_delete(&child);
        if (!c)
            return NULL;
        if (n->kind == YDOC_MAP && n->n % 2 == 0 && !key_ok(b, n, c))
            return NULL;
        if (!push(b, n, c, &cap))
            return NULL;
    }
}

/* Build the node whose first event is `ev` (already taken; the caller
 * deletes it). */
static ydoc_node *build(builder *b, yaml_event_t *ev, int depth)
{
    if (++b->nodes > YDOC_MAX_NODES) {
        fail(b, &ev->start_mark, "the file has too many YAML nodes");
        return NULL;
    }
    if (depth > YDOC_MAX_DEPTH) {
        fail(b, &ev->start_mark, "YAML nested too deeply");
        return NULL;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        fail(b, &ev->start_mark,
             "YAML aliases (*name) are not allowed in scripts; write the text out");
        return NULL;
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.anchor) {
            fail(b, &ev->start_mark, "YAML anchors (&name) are not allowed in scripts");
            return NULL;
        }
        ydoc_node *n = new_node(b, YDOC_SCALAR, &ev->start_mark);
        size_t len = ev->data.scalar.length;
        char *s = n ? alloc(b->d, len + 1) : NULL;
        if (!s) {
            fail(b, &ev->start_mark, "out of memory");
            return NULL;
        }
        memcpy(s, ev->data.scalar.value, len);
        n->str = s;
        n->len = len;
        return n;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor =
            map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        if (anchor) {
            fail(b, &ev->start_mark, "YAML anchors (&name) are not allowed in scripts");
            return NULL;
        }
        ydoc_node *n = new_node(b, map ? YDOC_MAP : YDOC_SEQ, &ev->start_mark);
        return n ? build_children(b, n, depth) : NULL;
    }
    default: fail(b, &ev->start_mark, "unexpected YAML event"); return NULL;
    }
}

bool ydoc_parse(ydoc *d, const char *buf, size_t len, char *msg, size_t msgsize, int *line,
                int *col)
{
    builder b;
    memset(&b, 0, sizeof b);
    memset(d, 0, sizeof *d);
    b.d = d;
    b.msg = msg;
    b.msgsize = msgsize;
    msg[0] = '\0';
    *line = *col = 0;
    if (!yaml_parser_initialize(&b.p)) {
        snprintf(msg, msgsize, "out of memory");
        return false;
    }
    yaml_parser_set_input_string(&b.p, (const unsigned char *)buf, len);
    yaml_parser_set_encoding(&b.p, YAML_UTF8_ENCODING);
    bool ok = true;
    for (;;) {
        yaml_event_t ev;
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
            if (d->root) {
                fail(&b, &ev.start_mark, "only one YAML document per file");
                yaml_event_delete(&ev);
                ok = false;
                break;
            }
            yaml_event_delete(&ev);
            continue;
        }
        d->root = build(&b, &ev, 0);
        yaml_event_delete(&ev);
        if (!d->root) {
            ok = false;
            break;
        }
    }
    yaml_parser_delete(&b.p);
    if (!ok) {
        ydoc_free(d);
        *line = b.line;
        *col = b.col;
    }
    return ok;
}

void ydoc_free(ydoc *d)
{
    ydoc_block *b = d->blocks;
    while (b) {
        ydoc_block *next_block = b->next;
        free(b);
        b = next_block;
    }
    d->blocks = NULL;
    d->root = NULL;
}

const ydoc_node *ydoc_get(const ydoc_node *map, const char *key)
{
    if (!map || map->kind != YDOC_MAP)
        return NULL;
    size_t kl = strlen(key);
    for (size_t i = 0; i + 1 < map->n; i += 2)
        if (map->items[i]->len == kl && memcmp(map->items[i]->str, key, kl) == 0)
            return map->items[i + 1];
    return NULL;
}
