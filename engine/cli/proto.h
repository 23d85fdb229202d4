/*
 * proto.h - the JSON-lines protocol, shared by its two transports: lines on
 * stdin/stdout (jsonl.c) and HTTP (serve.c). A request object is parsed into
 * a proto_req, carried out against the one session it names, and answered
 * with a reply object; the transport only adds where the request came from
 * ("line" in an error) and how the reply goes back.
 */
#ifndef DBT_PROTO_H
#define DBT_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "dbtcoach.h"

enum { PROTO_MAX_ID = 256 };

/* What a request asks for, as read from its object (which it points into). */
typedef struct proto_req {
    const char *id;     /* "session", or NULL when the request had none */
    const char *text;   /* "text", or NULL: the greeting */
    const char *region; /* "region", or NULL */
    json_t *restore;    /* "restore": a state object or string, or NULL */
    json_t *plan;       /* "plan": an object, JSON null (clear it), or NULL */
    bool save;          /* "save": true */
    bool end;           /* "end": true */
} proto_req;

/* Why a request could not be carried out; the transport picks the status. */
typedef enum proto_err {
    PROTO_OK = 0,
    PROTO_BAD,   /* the request itself is wrong */
    PROTO_STATE, /* a state to restore does not fit the engine */
    PROTO_FULL,  /* too many sessions */
    PROTO_NOMEM  /* out of memory */
} proto_err;

/*
 * Read a request object into `q`. With `need_id` a missing "session" is an
 * error; without it `q->id` is left NULL for the caller to fill. Returns
 * PROTO_OK, or PROTO_BAD with a message in `msg` (a static string); `q->id`
 * is set whenever the id could be read, also on an error.
 */
proto_err proto_parse(json_t *req, bool need_id, proto_req *q, const char **msg);

/*
 * Carry out `q` on the session in `*slot` (NULL: none yet). A turn, the
 * greeting or a save on no session makes one in `default_region` (or the
 * request's), unless `full`; a restore replaces `*slot`; an end frees it and
 * leaves NULL. The reply object is returned (the caller owns it), or NULL
 * with the reason returned in `*err` and a message in `msg` (`msgsz` bytes).
 * `*reply`, when not NULL, is set to the engine's reply of a turn (valid
 * until the next call on the session) or NULL for other requests.
 */
json_t *proto_apply(const dbt_engine *e, const proto_req *q, const char *default_region, bool full,
                    dbt_session **slot, const dbt_reply **reply, proto_err *err, char *msg,
                    size_t msgsz);

/* The reply object of a turn or greeting: the one place a dbt_reply becomes
 * JSON. */
json_t *proto_reply_json(const char *id, const dbt_reply *r);

/* An error object {"error":MSG} with "session" when `id` is not NULL. */
json_t *proto_error_json(const char *id, const char *msg);

#endif
