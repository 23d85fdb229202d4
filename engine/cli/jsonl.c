/*
 * jsonl.c - JSON lines for other front ends: one request object per line on
 * stdin, one reply object per line on stdout, always, errors included. The
 * requests and replies are proto.c's; this file keeps the sessions of the
 * stream and numbers the lines.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "proto.h"

enum { MAX_SESSIONS = 1000000 };

typedef struct entry {
    char *id;
    dbt_session *s;
    struct entry *next;
} entry;

typedef struct table {
    entry **b;
    size_t nb, n;
} table;

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static entry **find(table *t, const char *id)
{
    entry **p = &t->b[hash(id) & (t->nb - 1)];
    while (*p && strcmp((*p)->id, id) != 0)
        p = &(*p)->next;
    return p;
}

static bool grow(table *t)
{
    size_t nb = t->nb ? t->nb * 2 : 1024;
    entry **b = calloc(nb, sizeof(entry *));
    if (!b)
        return false;
    for (size_t i = 0; i < t->nb; i++)
        for (entry *e = t->b[i], *next; e; e = next) {
            next = e->next;
            size_t k = hash(e->id) & (nb - 1);
            e->next = b[k];
            b[k] = e;
        }
    free(t->b);
    t->b = b;
    t->nb = nb;
    return true;
}

/* Add a session under `id` (which must not be there yet). */
static bool put(table *t, const char *id, dbt_session *s)
{
    if ((t->n + 1) * 2 > t->nb && !grow(t))
        return false;
    entry *e = malloc(sizeof *e);
    char *copy = strdup(id);
    if (!e || !copy) {
        free(e);
        free(copy);
        return false;
    }
    entry **p = find(t, id);
    e->id = copy;
    e->s = s;
    e->next = NULL;
    *p = e;
    t->n++;
    return true;
}

/* Take the entry at `p` out of the table; its session is the caller's. */
static void unlink_entry(table *t, entry **p)
{
    entry *e = *p;
    *p = e->next;
    free(e->id);
    free(e);
    t->n--;
}

static FILE *out_fp; /* where replies go: stdout, or what the caller chose */

static void emit(json_t *o)
{
    FILE *f = out_fp ? out_fp : stdout;
    char *s = json_dumps(o, JSON_COMPACT);
    if (s) {
        fputs(s, f);
        free(s);
    } else {
        fputs("{\"error\":\"out of memory\"}", f);
    }
    fputc('\n', f);
    fflush(f);
    json_decref(o);
}

static void emit_error(long line, const char *session, const char *msg)
{
    json_t *o = json_pack("{s:s,s:I}", "error", msg, "line", (json_int_t)line);
    if (o && session)
        json_object_set_new(o, "session", json_string(session));
    emit(o);
}

static void handle(const dbt_engine *e, const cli_opts *o, table *t, const char *line, long lineno)
{
    json_error_t jerr;
    json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        char msg[300];
        snprintf(msg, sizeof msg, "malformed JSON: %s", jerr.text);
        emit_error(lineno, NULL, msg);
        return;
    }
    proto_req q;
    const char *bad;
    if (proto_parse(req, true, &q, &bad) != PROTO_OK) {
        emit_error(lineno, q.id, bad);
        json_decref(req);
        return;
    }
    entry **slot = find(t, q.id);
    dbt_session *before = *slot ? (*slot)->s : NULL, *s = before;
    proto_err perr;
    char msg[512];
    json_t *out =
        proto_apply(e, &q, o->region, t->n >= MAX_SESSIONS, &s, NULL, &perr, msg, sizeof msg);
    if (s != before) {
        if (*slot && s)
            (*slot)->s = s;
        else if (*slot)
            unlink_entry(t, slot);
        else if (!put(t, q.id, s)) {
            dbt_session_free(s);
            json_decref(out);
            out = NULL;
            snprintf(msg, sizeof msg, "out of memory");
        }
    }
    if (out)
        emit(out);
    else
        emit_error(lineno, q.id, msg);
    json_decref(req);
}

struct jsonl {
    dbt_engine *e;
    const cli_opts *o;
    table t;
};

jsonl *jsonl_new(dbt_engine *e, const cli_opts *o, FILE *out)
{
    jsonl *j = calloc(1, sizeof *j);
    if (!j || !grow(&j->t)) {
        free(j);
        return NULL;
    }
    j->e = e;
    j->o = o;
    out_fp = out;
    return j;
}

void jsonl_line(jsonl *j, char *line, size_t n, long lineno)
{
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    if (n != strlen(line))
        emit_error(lineno, NULL, "a request line must not contain NUL bytes");
    else if (!n)
        emit_error(lineno, NULL, "empty line: each line must be one JSON object");
    else
        handle(j->e, j->o, &j->t, line, lineno);
}

void jsonl_free(jsonl *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->t.nb; i++)
        while (j->t.b[i]) {
            dbt_session_free(j->t.b[i]->s);
            unlink_entry(&j->t, &j->t.b[i]);
        }
    free(j->t.b);
    free(j);
}

int jsonl_run(dbt_engine *e, const cli_opts *o)
{
    jsonl *j = jsonl_new(e, o, stdout);
    if (!j) {
        fprintf(stderr, "dbtcoach: out of memory\n");
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0)
        jsonl_line(j, line, (size_t)n, ++lineno);
    free(line);
    jsonl_free(j);
    return 0;
}
