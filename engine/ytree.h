/*
 * ytree.h - a YAML document as a small tree in which every node keeps its
 * place in the file. Built from libyaml events, with the guards skill files
 * need: no aliases or anchors, no duplicate keys, bounded nesting and size.
 */
#ifndef DBT_YTREE_H
#define DBT_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } ynode_kind;

typedef struct ynode ynode;
struct ynode {
    ynode_kind kind;
    int line, col;   /* 1-based */
    const char *str; /* scalars: the value */
    size_t len;
    bool plain;    /* scalars: written without quotes or block style */
    bool block;    /* scalars: a literal or folded block */
    ynode **items; /* sequences: items; mappings: key, value, key, value ... */
    size_t n;      /* number of items (mappings: twice the number of pairs) */
};

enum { YTREE_MAX_DEPTH = 32, YTREE_MAX_NODES = 1000000 };
enum { YTREE_MAX_FILE = 16 * 1024 * 1024 };

/*
 * Parse `len` bytes of YAML into a tree allocated in `a`. On error returns
 * NULL and fills `msg`, `*line` and `*col`. An empty document gives NULL with
 * an empty message.
 */
ynode *ytree_parse(arena *a, const char *buf, size_t len, char *msg, size_t msgsize, int *line,
                   int *col);

/* The value for `key` in a mapping, or NULL. */
ynode *ytree_get(const ynode *map, const char *key);

#endif
