/*
 * ydoc.h - a YAML document as a small tree in which every node keeps its
 * place in the file, for the command's own YAML files (transcripts). libyaml
 * parses; this builds the tree with the same guards as skill scripts: no
 * aliases or anchors, no duplicate keys, bounded nesting and size.
 */
#ifndef DBT_CLI_YDOC_H
#define DBT_CLI_YDOC_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ydoc_kind { YDOC_SCALAR, YDOC_SEQ, YDOC_MAP } ydoc_kind;

typedef struct ydoc_node ydoc_node;
struct ydoc_node {
    ydoc_kind kind;
    int line, col;     /* 1-based */
    const char *str;   /* scalars: the value, NUL-terminated */
    size_t len;        /* scalars: its length in bytes */
    ydoc_node **items; /* sequences: items; mappings: key, value, key, value ... */
    size_t n;          /* number of items (mappings: twice the number of pairs) */
};

enum { YDOC_MAX_DEPTH = 32, YDOC_MAX_NODES = 1000000 };

typedef struct ydoc_block ydoc_block;

/* A parsed document: its nodes live until ydoc_free. */
typedef struct ydoc {
    ydoc_node *root;    /* NULL for an empty document */
    ydoc_block *blocks; /* the memory the nodes are in */
} ydoc;

/*
 * Parse `len` bytes of YAML into `d`. On error returns false, frees what was
 * built and fills `msg`, `*line` and `*col` (1-based). An empty document
 * gives true and a NULL root.
 */
bool ydoc_parse(ydoc *d, const char *buf, size_t len, char *msg, size_t msgsize, int *line,
                int *col);
void ydoc_free(ydoc *d);

/* The value for `key` in a mapping, or NULL. */
const ydoc_node *ydoc_get(const ydoc_node *map, const char *key);

#endif
