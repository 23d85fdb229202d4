/*
 * sstore_memory.c - sessions kept live in this process (no save or restore per
 * turn). A table of entries under one mutex; each entry has its own mutex,
 * held for the whole request, so requests for one session run one at a time
 * while different sessions run in parallel. A reaper thread ends sessions
 * idle for longer than the chosen time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sstore.h"

typedef struct mentry {
    char *id;
    dbt_session *s; /* NULL: ended (or never started); the entry is reaped */
    pthread_mutex_t lock;
    int refs;    /* requests holding or waiting for the entry (table lock) */
    time_t used; /* the last request's end (table lock) */
    struct mentry *next;
} mentry;

typedef struct mstore {
    sstore base;
    pthread_mutex_t lock; /* the table, refs and used */
    mentry **b;
    size_t nb;
    long n, live, max;
    int idle_s;
    pthread_t reaper;
    pthread_cond_t stop_cv;
    bool stopping;
} mstore;

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The entry for `id`, made when missing and counted as held; NULL when out
 * of memory. Table lock held. */
static mentry *hold(mstore *m, const char *id)
{
    mentry **p = &m->b[hash(id) & (m->nb - 1)];
    while (*p && strcmp((*p)->id, id) != 0)
        p = &(*p)->next;
    if (!*p) {
        mentry *e = calloc(1, sizeof *e);
        char *copy = strdup(id);
        if (!e || !copy) {
            free(e);
            free(copy);
            return NULL;
        }
        e->id = copy;
        pthread_mutex_init(&e->lock, NULL);
        *p = e;
        m->n++;
    }
    (*p)->refs++;
    return *p;
}

static void free_entry(mentry *e)
{
    dbt_session_free(e->s);
    pthread_mutex_destroy(&e->lock);
    free(e->id);
    free(e);
}

/* End idle sessions and drop ended entries nobody holds. Table lock held. */
static void sweep(mstore *m, time_t now)
{
    for (size_t i = 0; i < m->nb; i++)
        for (mentry **p = &m->b[i]; *p;) {
            mentry *e = *p;
            if (e->refs == 0 && (!e->s || now - e->used >= m->idle_s)) {
                *p = e->next;
                if (e->s)
                    m->live--;
                free_entry(e);
                m->n--;
            } else {
                p = &e->next;
            }
        }
}

static void *reaper(void *arg)
{
    mstore *m = arg;
    pthread_mutex_lock(&m->lock);
    while (!m->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int every = m->idle_s / 4 > 30 ? 30 : m->idle_s / 4 < 1 ? 1 : m->idle_s / 4;
        until.tv_sec += every;
        pthread_cond_timedwait(&m->stop_cv, &m->lock, &until);
        if (!m->stopping)
            sweep(m, time(NULL));
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

static sstore_rc mem_run(sstore *st, const dbt_engine *e, const proto_req *q, const char *region,
                         sstore_result *res)
{
    mstore *m = (mstore *)st;
    pthread_mutex_lock(&m->lock);
    mentry *en = hold(m, q->id);
    bool full = m->live >= m->max;
    pthread_mutex_unlock(&m->lock);
    if (!en) {
        res->err = PROTO_NOMEM;
        snprintf(res->msg, sizeof res->msg, "out of memory");
        return SSTORE_OK;
    }
    pthread_mutex_lock(&en->lock);
    dbt_session *before = en->s;
    const dbt_reply *r;
    res->reply = proto_apply(e, q, region, full, &en->s, &r, &res->err, res->msg, sizeof res->msg);
    res->created = !before && en->s;
    res->turn = r != NULL;
    res->tier = r && r->crisis ? (r->tier ? r->tier : "crisis") : NULL;
    long delta = (en->s != NULL) - (before != NULL);
    pthread_mutex_unlock(&en->lock);
    pthread_mutex_lock(&m->lock);
    m->live += delta;
    en->refs--;
    en->used = time(NULL);
    pthread_mutex_unlock(&m->lock);
    return SSTORE_OK;
}

static bool mem_healthy(sstore *st)
{
    (void)st;
    return true;
}

static long mem_sessions(sstore *st)
{
    mstore *m = (mstore *)st;
    pthread_mutex_lock(&m->lock);
    long n = m->live;
    pthread_mutex_unlock(&m->lock);
    return n;
}

static void mem_free(sstore *st)
{
    mstore *m = (mstore *)st;
    pthread_mutex_lock(&m->lock);
    m->stopping = true;
    pthread_cond_signal(&m->stop_cv);
    pthread_mutex_unlock(&m->lock);
    pthread_join(m->reaper, NULL);
    for (size_t i = 0; i < m->nb; i++)
        for (mentry *e = m->b[i], *next; e; e = next) {
            next = e->next;
            free_entry(e);
        }
    free(m->b);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->stop_cv);
    free(m);
}

sstore *sstore_memory_new(long max_sessions, int idle_s)
{
    mstore *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nb = 1024;
    while (m->nb < (size_t)max_sessions / 2 && m->nb < ((size_t)1 << 20))
        m->nb *= 2;
    m->b = calloc(m->nb, sizeof *m->b);
    if (!m->b) {
        free(m);
        return NULL;
    }
    m->max = max_sessions;
    m->idle_s = idle_s > 0 ? idle_s : 1;
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->stop_cv, NULL);
    if (pthread_create(&m->reaper, NULL, reaper, m) != 0) {
        pthread_mutex_destroy(&m->lock);
        pthread_cond_destroy(&m->stop_cv);
        free(m->b);
        free(m);
        return NULL;
    }
    m->base.run = mem_run;
    m->base.healthy = mem_healthy;
    m->base.sessions = mem_sessions;
    m->base.free = mem_free;
    m->base.kind = "memory";
    return &m->base;
}
