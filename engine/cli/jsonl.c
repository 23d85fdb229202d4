/*
 * jsonl.c - JSON lines for other front ends: one request object per line on
 * stdin, one reply object per line on stdout, always, errors included.
 *
 *   {"session":"a1","text":"..."}     a turn (a new id starts a session)
 *   {"session":"a1"}                  the greeting
 *   {"session":"a1","save":true}      -> {"session":"a1","state":{...}}
 *   {"session":"a1","restore":STATE}  continue a saved session
 *   {"session":"a1","end":true}       drop the session
 *   "region":"GB" is accepted on any request, and "plan":{...} (the person's
 *   safety plan, see dbt_session_set_plan; null clears it) on any request
 *   that is not save, restore or end.
 * A reply carries "record":{...} on the turn an exercise, the diary card or
 * the plan builder ends (dbt_reply.record), else "record":null.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { MAX_SESSIONS = 1000000, MAX_ID = 256 };

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

static void drop(table *t, entry **p)
{
    entry *e = *p;
    *p = e->next;
    dbt_session_free(e->s);
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

static json_t *reply_json(const char *id, const dbt_reply *r)
{
    json_t *choices = json_array();
    for (size_t i = 0; i < r->n_choices; i++)
        json_array_append_new(choices, json_string(r->choices[i]));
    json_t *o = json_pack(
        "{s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:b}", "session", id, "text", r->text, "crisis", r->crisis,
        "category", r->category ? json_string(r->category) : json_null(), "skill",
        r->skill ? json_string(r->skill) : json_null(), "step",
        r->step ? json_string(r->step) : json_null(), "choices", choices, "ended", r->ended);
    if (o) {
        json_object_set_new(o, "tier", r->tier ? json_string(r->tier) : json_null());
        json_object_set_new(o, "hotlines", json_boolean(r->hotlines));
        json_object_set_new(o, "region", json_string(r->region));
        json_t *rec = r->record ? json_loads(r->record, 0, NULL) : NULL;
        json_object_set_new(o, "record", rec ? rec : json_null());
    }
    if (o && r->timer.kind == DBT_TIMER_COUNTDOWN)
        json_object_set_new(
            o, "timer", json_pack("{s:s,s:i}", "kind", "countdown", "seconds", r->timer.seconds));
    else if (o && r->timer.kind == DBT_TIMER_BREATHE)
        json_object_set_new(o, "timer",
                            json_pack("{s:s,s:i,s:i,s:i,s:i}", "kind", "breathe", "in",
                                      r->timer.breathe_in, "hold", r->timer.hold, "out",
                                      r->timer.breathe_out, "cycles", r->timer.cycles));
    return o;
}

static void handle(dbt_engine *e, const cli_opts *o, table *t, const char *line, long lineno)
{
    json_error_t jerr;
    json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        char msg[300];
        snprintf(msg, sizeof msg, "malformed JSON: %s", jerr.text);
        emit_error(lineno, NULL, msg);
        return;
    }
    if (!json_is_object(req)) {
        emit_error(lineno, NULL, "a request must be a JSON object");
        json_decref(req);
        return;
    }
    json_t *jid = json_object_get(req, "session");
    const char *id = json_string_value(jid);
    if (!id || !*id || strlen(id) > MAX_ID) {
        emit_error(lineno, NULL,
                   "a request needs \"session\": a non-empty string id (at most 256 bytes)");
        json_decref(req);
        return;
    }
    json_t *jtext = json_object_get(req, "text"), *jregion = json_object_get(req, "region");
    json_t *jsave = json_object_get(req, "save"), *jrestore = json_object_get(req, "restore");
    json_t *jend = json_object_get(req, "end"), *jplan = json_object_get(req, "plan");
    const char *err = NULL;
    if (jtext && !json_is_string(jtext))
        err = "\"text\" must be a string";
    else if (jregion && !json_is_string(jregion))
        err = "\"region\" must be a string";
    else if (jsave && !json_is_boolean(jsave))
        err = "\"save\" must be true or false";
    else if (jend && !json_is_boolean(jend))
        err = "\"end\" must be true or false";
    else if (!!jtext + json_is_true(jsave) + !!jrestore + json_is_true(jend) > 1)
        err = "a request does one thing: text, save, restore or end";
    else if (jplan && !json_is_object(jplan) && !json_is_null(jplan))
        err = "\"plan\" must be an object or null";
    else if (jplan && (json_is_true(jsave) || jrestore || json_is_true(jend)))
        err = "\"plan\" goes with a turn or a greeting, not with save, restore or end";
    if (err) {
        emit_error(lineno, id, err);
        json_decref(req);
        return;
    }
    const char *region = jregion ? json_string_value(jregion) : o->region;
    entry **slot = find(t, id);

    if (json_is_true(jend)) {
        if (*slot)
            drop(t, slot);
        emit(json_pack("{s:s,s:b}", "session", id, "ended", 1));
        json_decref(req);
        return;
    }
    if (jrestore) {
        char *state = json_is_string(jrestore) ? strdup(json_string_value(jrestore))
                                               : json_dumps(jrestore, JSON_COMPACT);
        dbt_error derr;
        bool have_state = state != NULL;
        dbt_session *s = have_state ? dbt_session_restore(e, state, &derr) : NULL;
        free(state);
        if (!s) {
            emit_error(lineno, id, have_state ? derr.message : "out of memory");
        } else {
            if (jregion)
                dbt_session_set_region(s, region);
            if (*slot)
                drop(t, slot);
            if (!put(t, id, s)) {
                dbt_session_free(s);
                emit_error(lineno, id, "out of memory");
            } else {
                emit(json_pack("{s:s,s:b}", "session", id, "restored", 1));
            }
        }
        json_decref(req);
        return;
    }
    if (!*slot) {
        if (t->n >= MAX_SESSIONS) {
            emit_error(lineno, id,
                       "too many sessions: end some with {\"session\":ID,\"end\":true}");
            json_decref(req);
            return;
        }
        dbt_session *s = dbt_session_new(e, region);
        if (!s || !put(t, id, s)) {
            dbt_session_free(s);
            emit_error(lineno, id, "out of memory");
            json_decref(req);
            return;
        }
        slot = find(t, id);
    } else if (jregion) {
        dbt_session_set_region((*slot)->s, region);
    }
    dbt_session *s = (*slot)->s;
    if (jplan) {
        char *pj = json_is_null(jplan) ? NULL : json_dumps(jplan, JSON_COMPACT);
        dbt_error perr;
        if (!json_is_null(jplan) && !pj) {
            emit_error(lineno, id, "out of memory");
            json_decref(req);
            return;
        }
        int rc = dbt_session_set_plan(s, pj, &perr);
        free(pj);
        if (rc != DBT_OK) {
            emit_error(lineno, id, perr.message);
            json_decref(req);
            return;
        }
    }
    if (json_is_true(jsave)) {
        char *state = dbt_session_save(s);
        json_t *st = state ? json_loads(state, 0, NULL) : NULL;
        dbt_free(state);
        if (!st)
            emit_error(lineno, id, "out of memory");
        else
            emit(json_pack("{s:s,s:o}", "session", id, "state", st));
        json_decref(req);
        return;
    }
    const dbt_reply *r =
        jtext ? dbt_session_turn(s, json_string_value(jtext)) : dbt_session_start(s);
    emit(reply_json(id, r));
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
        while (j->t.b[i])
            drop(&j->t, &j->t.b[i]);
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
