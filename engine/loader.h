/*
 * loader.h - what the loaders of the four kinds of script share: the
 * loader's state, error reporting at a YAML node, and typed readers of keys.
 * Only the loaders include it; nothing outside them may use a loader.
 */
#ifndef DBT_LOADER_H
#define DBT_LOADER_H

#include <setjmp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"
#include "model.h"
#include "ytree.h"

typedef struct loader {
    dbt_engine *e;
    arena *a;
    diagsink *d;
    const char *file;
    int pcap; /* capacity of e->all_patterns */
    struct {
        dev_t dev;
        ino_t ino;
    } seen[64]; /* folders already entered, so links cannot loop */
    int nseen;
    bool no_jit;             /* DBT_LOAD_NO_JIT */
    int ccap;                /* capacity of e->concepts */
    struct sb_stemmer *stem; /* made when the first concept is read */
    jmp_buf oom;
} loader;

/* The place of node `n` in the file being read. */
srcpos ld_at(const loader *L, const ynode *n);
/* Report an error at node `n`; the load goes on, to find more, and fails. */
void ld_err(loader *L, const ynode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The place of byte `off` of scalar `n`'s value (exact on one line). */
srcpos ld_at_offset(const loader *L, const ynode *n, size_t off);
/* Edit distance (ignoring the case of `a`), for "did you mean" hints. */
size_t ld_distance(const char *a, const char *b);

/* Every key of `map` must be in `allowed` (NULL-terminated); an unknown key
 * gets a "did you mean" hint. */
bool ld_check_keys(loader *L, const ynode *map, const char *what, const char *const *allowed);
/* `n` must be of `kind`, else an error naming `what`. */
bool ld_want(loader *L, const ynode *n, ynode_kind kind, const char *what);
/* Typed readers; each reports what is wrong and returns a harmless value. */
const char *ld_str(loader *L, const ynode *n, const char *what);
const char *ld_need_str(loader *L, const ynode *map, const char *key, const char *what);
const char *ld_opt_str(loader *L, const ynode *map, const char *key);
int ld_str_list(loader *L, const ynode *n, const char *what, const char ***out, srcpos **pos);
bool ld_bool(loader *L, const ynode *n, const char *what);
int ld_int(loader *L, const ynode *n, const char *what, int lo, int hi);
/* Text the coach says: a string or a list of variants; templates checked. */
textv ld_text(loader *L, const ynode *n, const char *what);
/* A pattern, its ~concepts spelled out, compiled and kept in the engine;
 * NULL (reported) when bad (load_pattern.c). */
pattern *ld_compile(loader *L, const ynode *n);
/* One of the engine's own patterns (a static string), kept like the others. */
pattern *ld_compile_builtin(loader *L, const char *src);

/* Concepts (load_pattern.c): named word families, ~name in patterns. */
void ld_concepts(loader *L, const ynode *map, bool local);
void ld_concepts_done(loader *L); /* free what reading them needed */
/* Where a concept was spelled out in a pattern: bytes [at, at+len) of the
 * source became bytes [out, out+outlen) of the expansion. */
typedef struct ld_splice {
    size_t at, len, out, outlen;
} ld_splice;
/* Pattern `n` with each ~name spelled out (at most 32); `n->str` itself when
 * it uses none; NULL (reported) when one is unknown. Its length goes to
 * `*outlen`. */
const char *ld_expand(loader *L, const ynode *n, ld_splice *sp, int *nsp, size_t *outlen);
/* The byte of the source that byte `off` of the expansion came from. */
size_t ld_unsplice(const ld_splice *sp, int nsp, size_t off);

/* Rules (load_rule.c). */
typedef enum ld_rule_kind {
    LD_STEP,         /* a step's or skill's rule: every action */
    LD_COACH,        /* a route or follow-up rule: no goto */
    LD_PATTERN_ONLY, /* match and examples only (crisis patterns, idioms) */
    LD_TRIGGER       /* a skill's trigger: match and examples only */
} ld_rule_kind;
bool ld_ident_char(char c);
cond *ld_cond(loader *L, const ynode *n);
void ld_rule(loader *L, const ynode *n, rule *r, ld_rule_kind kind);
rule *ld_rules(loader *L, const ynode *n, const char *what, ld_rule_kind kind, int *count);

/* One document of each kind into the engine. */
void ld_skill(loader *L, const ynode *root);                         /* load_skill.c */
void ld_coach(loader *L, const ynode *root);                         /* load_coach.c */
void ld_crisis(loader *L, const ynode *root);                        /* load_crisis.c */
void ld_crisis_lang(loader *L, const ynode *root, const char *code); /* crisis.LANG.yaml */
void ld_hotlines(loader *L, const ynode *root);                      /* load_hotlines.c */
void ld_words(loader *L, const ynode *root);                         /* load_words.c */
/* The normaliser from words.yaml and every word of the scripts, once the
 * model is complete; false when memory ran out. */
bool ld_build_normaliser(dbt_engine *e);

/* The crisis category ids the engine knows, NULL-terminated. */
extern const char *const ld_category_ids[];

#endif
