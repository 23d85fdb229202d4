/*
 * sstore.h - where `dbtcoach serve` keeps sessions between requests.
 *
 * A store carries out one protocol request on the session it names, with
 * that session held exclusively for the whole request, so two requests for
 * one session are serialised and never both applied to the same state:
 *
 *   memory   live dbt_session objects in this process, a lock each; idle
 *            sessions are ended after a time (sstore_memory.c)
 *   redis    the saved state in Redis: lock (SET NX PX with a token), get,
 *            restore, turn, save with an expiry, unlock only if still ours
 *            (sstore_redis.c); any number of processes share one Redis
 */
#ifndef DBT_CLI_SSTORE_H
#define DBT_CLI_SSTORE_H

#include <stdbool.h>

#include "proto.h"

/* How a request went, beyond the reply object. */
typedef enum sstore_rc {
    SSTORE_OK = 0, /* the reply (or a protocol error in `err`) is ready */
    SSTORE_DOWN,   /* the store cannot be reached: try again later */
    SSTORE_BUSY    /* the session stayed locked by another request too long */
} sstore_rc;

typedef struct sstore_result {
    json_t *reply;    /* the reply object, or NULL on a protocol error */
    proto_err err;    /* the protocol error when reply is NULL */
    char msg[512];    /* its message */
    bool restarted;   /* a saved state could not be restored: a new session */
    bool created;     /* the request started a new session */
    const char *tier; /* a turn's crisis tier ("crisis", "warning"), or NULL */
    bool turn;        /* the request was a turn or a greeting */
} sstore_result;

typedef struct sstore sstore;
struct sstore {
    /* Carry out `q` (whose id is set) on its session; fills `res`. */
    sstore_rc (*run)(sstore *st, const dbt_engine *e, const proto_req *q, const char *region,
                     sstore_result *res);
    /* Whether the store can be reached now. */
    bool (*healthy)(sstore *st);
    /* Sessions held, or -1 when the store cannot tell cheaply. */
    long (*sessions)(sstore *st);
    void (*free)(sstore *st);
    const char *kind; /* "memory" or "redis" */
};

/* Sessions in this process: at most `max_sessions`, ended after `idle_s`
 * seconds without a request. NULL when out of memory. */
sstore *sstore_memory_new(long max_sessions, int idle_s);

/* Sessions in Redis at `url` (redis://HOST:PORT[/DB]), kept `ttl_s` seconds
 * after their last request. NULL with a message in `err` when the URL is
 * wrong; an unreachable server is not an error here (it is retried). */
sstore *sstore_redis_new(const char *url, int ttl_s, char *err, size_t errsz);

/* `n` random bytes as 2n hex digits and a NUL in `out`; false on failure. */
bool sstore_random_hex(char *out, size_t n);

#endif
