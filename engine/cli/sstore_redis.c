/*
 * sstore_redis.c - sessions as saved states in Redis, so that any number of
 * `dbtcoach serve` processes can serve any session. Per request:
 *
 *   SET dbtcoach:{ID}:lock TOKEN NX PX 5000     (retried while taken)
 *   GET dbtcoach:{ID}:state                     (pipelined with the SET)
 *   restore -> the request -> save
 *   EVAL: if the lock still holds TOKEN, SET the state EX ttl (or DEL it when
 *         the session ended), then DEL the lock; else change nothing
 *
 * The braces are a Redis Cluster hash tag: both keys of a session live in
 * one slot, so the script may touch both. One connection per worker thread,
 * made again after any error with short timeouts; while Redis cannot be
 * reached the request is answered SSTORE_DOWN and the process carries on.
 */
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sstore.h"

enum { LOCK_MS = 5000, BUSY_WAIT_MS = 3000 };

/* Release the lock if it is still ours, writing the state first. ARGV: the
 * token, "set" / "del" / "keep", the state, the expiry in seconds. */
static const char COMMIT[] =
    "if redis.call('get',KEYS[1])==ARGV[1] then "
    "if ARGV[2]=='set' then redis.call('set',KEYS[2],ARGV[3],'EX',ARGV[4]) "
    "elseif ARGV[2]=='del' then redis.call('del',KEYS[2]) end "
    "return redis.call('del',KEYS[1]) end return 0";

typedef struct rstore {
    sstore base;
    char host[256];
    int port, db, ttl;
    pthread_key_t key; /* this thread's redisContext */
} rstore;

bool sstore_random_hex(char *out, size_t n)
{
    unsigned char buf[64];
    if (n > sizeof buf || getrandom(buf, n, 0) != (ssize_t)n)
        return false;
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", buf[i]);
    return true;
}

static void free_conn(void *c) { redisFree(c); }

/* This thread's connection, made when there is none; NULL when Redis
 * cannot be reached. */
static redisContext *conn(rstore *r)
{
    redisContext *c = pthread_getspecific(r->key);
    if (c)
        return c;
    c = redisConnectWithTimeout(r->host, r->port, (struct timeval){0, 250000});
    if (!c || c->err) {
        redisFree(c);
        return NULL;
    }
    redisSetTimeout(c, (struct timeval){1, 0});
    if (r->db) {
        redisReply *rep = redisCommand(c, "SELECT %d", r->db);
        bool good = rep && rep->type == REDIS_REPLY_STATUS;
        freeReplyObject(rep);
        if (!good) {
            redisFree(c);
            return NULL;
        }
    }
    pthread_setspecific(r->key, c);
    return c;
}

static void drop_conn(rstore *r)
{
    redisFree(pthread_getspecific(r->key));
    pthread_setspecific(r->key, NULL);
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Take the session's lock and read its state (a copy in `*state`, NULL when
 * there is none). */
static sstore_rc lock_and_get(rstore *r, redisContext *c, const char *lockkey, const char *statekey,
                              const char *token, char **state)
{
    long deadline = now_ms() + BUSY_WAIT_MS, wait = 1;
    for (;;) {
        redisAppendCommand(c, "SET %s %s NX PX %d", lockkey, token, LOCK_MS);
        redisAppendCommand(c, "GET %s", statekey);
        redisReply *set = NULL, *get = NULL;
        if (redisGetReply(c, (void **)&set) != REDIS_OK ||
            redisGetReply(c, (void **)&get) != REDIS_OK) {
            freeReplyObject(set);
            drop_conn(r);
            return SSTORE_DOWN;
        }
        bool locked = set->type == REDIS_REPLY_STATUS;
        bool error = set->type == REDIS_REPLY_ERROR || get->type == REDIS_REPLY_ERROR;
        if (locked && get->type == REDIS_REPLY_STRING)
            *state = strndup(get->str, get->len);
        freeReplyObject(set);
        freeReplyObject(get);
        if (error)
            return SSTORE_DOWN; /* e.g. loading, read-only replica */
        if (locked)
            return SSTORE_OK;
        if (now_ms() >= deadline)
            return SSTORE_BUSY;
        nap(wait);
        wait = wait < 16 ? wait * 2 : 16;
    }
}

static sstore_rc redis_run(sstore *st, const dbt_engine *e, const proto_req *q, const char *region,
                           sstore_result *res)
{
    rstore *r = (rstore *)st;
    char lockkey[PROTO_MAX_ID + 32], statekey[PROTO_MAX_ID + 32], token[33];
    snprintf(lockkey, sizeof lockkey, "dbtcoach:{%s}:lock", q->id);
    snprintf(statekey, sizeof statekey, "dbtcoach:{%s}:state", q->id);
    if (!sstore_random_hex(token, 16))
        return SSTORE_DOWN;
    char *state = NULL;
    sstore_rc rc = SSTORE_DOWN;
    redisContext *c = NULL;
    /* A connection kept from before may have died with a Redis that has
     * come back since: then once more on a new one. */
    for (int attempt = 0; attempt < 2 && rc == SSTORE_DOWN; attempt++) {
        bool kept = pthread_getspecific(r->key) != NULL;
        c = conn(r);
        if (!c)
            return SSTORE_DOWN;
        rc = lock_and_get(r, c, lockkey, statekey, token, &state);
        if (!kept)
            break;
    }
    if (rc != SSTORE_OK)
        return rc;

    dbt_session *s = NULL;
    if (state) {
        dbt_error derr;
        s = dbt_session_restore(e, state, &derr);
        /* Skills updated, or the state damaged: a new session, and the
         * message is still carried out (and screened) in it. */
        res->restarted = !s;
        free(state);
    }
    bool had = s != NULL;
    const dbt_reply *rep;
    res->reply = proto_apply(e, q, region, false, &s, &rep, &res->err, res->msg, sizeof res->msg);
    res->created = !had && s;
    res->turn = rep != NULL;
    res->tier = rep && rep->crisis ? (rep->tier ? rep->tier : "crisis") : NULL;

    const char *how = !res->reply ? "keep" : s ? "set" : "del";
    char *saved = s && res->reply ? dbt_session_save(s) : NULL;
    dbt_session_free(s);
    if (s && res->reply && !saved) {
        how = "keep";
        json_decref(res->reply);
        res->reply = NULL;
        res->err = PROTO_NOMEM;
        snprintf(res->msg, sizeof res->msg, "out of memory");
    }
    redisReply *done = redisCommand(c, "EVAL %s 2 %s %s %s %s %s %d", COMMIT, lockkey, statekey,
                                    token, how, saved ? saved : "", r->ttl);
    dbt_free(saved);
    if (!done || done->type != REDIS_REPLY_INTEGER || done->integer != 1) {
        /* Not written: Redis went away, or the lock expired and another
         * request may have moved on. The caller answers "try again". */
        rc = !done || done->type == REDIS_REPLY_ERROR ? SSTORE_DOWN : SSTORE_BUSY;
        if (!done)
            drop_conn(r);
        json_decref(res->reply);
        res->reply = NULL;
    }
    freeReplyObject(done);
    return rc;
}

static bool redis_healthy(sstore *st)
{
    rstore *r = (rstore *)st;
    for (int attempt = 0; attempt < 2; attempt++) {
        bool kept = pthread_getspecific(r->key) != NULL;
        redisContext *c = conn(r);
        if (!c)
            return false;
        redisReply *rep = redisCommand(c, "PING");
        bool good = rep && rep->type == REDIS_REPLY_STATUS;
        if (!rep)
            drop_conn(r);
        freeReplyObject(rep);
        if (rep || !kept)
            return good;
    }
    return false;
}

static long redis_sessions(sstore *st)
{
    (void)st;
    return -1;
}

static void redis_free(sstore *st)
{
    rstore *r = (rstore *)st;
    drop_conn(r);
    pthread_key_delete(r->key);
    free(r);
}

sstore *sstore_redis_new(const char *url, int ttl_s, char *err, size_t errsz)
{
    const char *p = url;
    if (strncmp(p, "redis://", 8) != 0) {
        snprintf(err, errsz, "a Redis store is redis://HOST:PORT[/DB]");
        return NULL;
    }
    p += 8;
    const char *colon = strrchr(p, ':'), *slash = strchr(p, '/');
    if (slash && colon && colon > slash)
        colon = NULL;
    size_t hl = colon ? (size_t)(colon - p) : slash ? (size_t)(slash - p) : strlen(p);
    rstore *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    r->port = 6379;
    char *end = NULL;
    if (colon) {
        long port = strtol(colon + 1, &end, 10);
        if (end == colon + 1 || port < 1 || port > 65535 || (*end && *end != '/'))
            hl = 0;
        r->port = (int)port;
    }
    if (slash) {
        long db = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || db < 0 || db > 1000000)
            hl = 0;
        r->db = (int)db;
    }
    if (hl == 0 || hl >= sizeof r->host) {
        snprintf(err, errsz, "a Redis store is redis://HOST:PORT[/DB], not '%s'", url);
        free(r);
        return NULL;
    }
    memcpy(r->host, p, hl);
    r->ttl = ttl_s > 0 ? ttl_s : 1;
    if (pthread_key_create(&r->key, free_conn) != 0) {
        snprintf(err, errsz, "out of resources");
        free(r);
        return NULL;
    }
    r->base.run = redis_run;
    r->base.healthy = redis_healthy;
    r->base.sessions = redis_sessions;
    r->base.free = redis_free;
    r->base.kind = "redis";
    return &r->base;
}
