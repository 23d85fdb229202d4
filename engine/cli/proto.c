/*
 * proto.c - the JSON-lines protocol, independent of its transport: parse a
 * request object, carry it out on one session, build the reply object.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

proto_err proto_parse(json_t *req, bool need_id, proto_req *q, const char **msg)
{
    memset(q, 0, sizeof *q);
    if (!json_is_object(req)) {
        *msg = "a request must be a JSON object";
        return PROTO_BAD;
    }
    json_t *jid = json_object_get(req, "session");
    const char *id = json_string_value(jid);
    if ((jid || need_id) && (!id || !*id || strlen(id) > PROTO_MAX_ID)) {
        *msg = "a request needs \"session\": a non-empty string id (at most 256 bytes)";
        return PROTO_BAD;
    }
    q->id = id;
    json_t *jtext = json_object_get(req, "text"), *jregion = json_object_get(req, "region");
    json_t *jsave = json_object_get(req, "save"), *jrestore = json_object_get(req, "restore");
    json_t *jend = json_object_get(req, "end"), *jplan = json_object_get(req, "plan");
    *msg = NULL;
    if (jtext && !json_is_string(jtext))
        *msg = "\"text\" must be a string";
    else if (jregion && !json_is_string(jregion))
        *msg = "\"region\" must be a string";
    else if (jsave && !json_is_boolean(jsave))
        *msg = "\"save\" must be true or false";
    else if (jend && !json_is_boolean(jend))
        *msg = "\"end\" must be true or false";
    else if (!!jtext + json_is_true(jsave) + !!jrestore + json_is_true(jend) > 1)
        *msg = "a request does one thing: text, save, restore or end";
    else if (jplan && !json_is_object(jplan) && !json_is_null(jplan))
        *msg = "\"plan\" must be an object or null";
    else if (jplan && (json_is_true(jsave) || jrestore || json_is_true(jend)))
        *msg = "\"plan\" goes with a turn or a greeting, not with save, restore or end";
    if (*msg)
        return PROTO_BAD;
    q->text = json_string_value(jtext);
    q->region = json_string_value(jregion);
    q->restore = jrestore;
    q->save = json_is_true(jsave);
    q->end = json_is_true(jend);
    q->plan = jplan;
    return PROTO_OK;
}

json_t *proto_reply_json(const char *id, const dbt_reply *r)
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

json_t *proto_error_json(const char *id, const char *msg)
{
    json_t *o = json_pack("{s:s}", "error", msg);
    if (o && id)
        json_object_set_new(o, "session", json_string(id));
    return o;
}

static json_t *fail(proto_err *err, proto_err why, char *msg, size_t msgsz, const char *text)
{
    *err = why;
    snprintf(msg, msgsz, "%s", text);
    return NULL;
}

json_t *proto_apply(const dbt_engine *e, const proto_req *q, const char *default_region, bool full,
                    dbt_session **slot, const dbt_reply **reply, proto_err *err, char *msg,
                    size_t msgsz)
{
    const char *id = q->id;
    const char *region = q->region ? q->region : default_region;
    *err = PROTO_OK;
    if (reply)
        *reply = NULL;
    if (q->end) {
        dbt_session_free(*slot);
        *slot = NULL;
        return json_pack("{s:s,s:b}", "session", id, "ended", 1);
    }
    if (q->restore) {
        char *state = json_is_string(q->restore) ? strdup(json_string_value(q->restore))
                                                 : json_dumps(q->restore, JSON_COMPACT);
        if (!state)
            return fail(err, PROTO_NOMEM, msg, msgsz, "out of memory");
        dbt_error derr;
        dbt_session *s = dbt_session_restore(e, state, &derr);
        free(state);
        if (!s)
            return fail(err, derr.status == DBT_ERR_NOMEM ? PROTO_NOMEM : PROTO_STATE, msg, msgsz,
                        derr.message);
        if (q->region)
            dbt_session_set_region(s, region);
        dbt_session_free(*slot);
        *slot = s;
        return json_pack("{s:s,s:b}", "session", id, "restored", 1);
    }
    if (!*slot) {
        if (full)
            return fail(err, PROTO_FULL, msg, msgsz,
                        "too many sessions: end some with {\"session\":ID,\"end\":true}");
        *slot = dbt_session_new(e, region);
        if (!*slot)
            return fail(err, PROTO_NOMEM, msg, msgsz, "out of memory");
    } else if (q->region) {
        dbt_session_set_region(*slot, region);
    }
    dbt_session *s = *slot;
    if (q->plan) {
        char *pj = json_is_null(q->plan) ? NULL : json_dumps(q->plan, JSON_COMPACT);
        if (!json_is_null(q->plan) && !pj)
            return fail(err, PROTO_NOMEM, msg, msgsz, "out of memory");
        dbt_error perr;
        int rc = dbt_session_set_plan(s, pj, &perr);
        free(pj);
        if (rc != DBT_OK)
            return fail(err, rc == DBT_ERR_NOMEM ? PROTO_NOMEM : PROTO_BAD, msg, msgsz,
                        perr.message);
    }
    if (q->save) {
        char *state = dbt_session_save(s);
        json_t *st = state ? json_loads(state, 0, NULL) : NULL;
        dbt_free(state);
        if (!st)
            return fail(err, PROTO_NOMEM, msg, msgsz, "out of memory");
        return json_pack("{s:s,s:o}", "session", id, "state", st);
    }
    const dbt_reply *r = q->text ? dbt_session_turn(s, q->text) : dbt_session_start(s);
    if (reply)
        *reply = r;
    json_t *o = proto_reply_json(id, r);
    if (!o)
        return fail(err, PROTO_NOMEM, msg, msgsz, "out of memory");
    return o;
}
