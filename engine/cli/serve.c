/*
 * serve.c - `dbtcoach serve`: the JSON-lines protocol over HTTP, on
 * libmicrohttpd with a small thread pool.
 *
 *   POST /v1/turn   a request object as on a JSON line -> the same reply
 *                   object (a request without "session" gets a new id)
 *   GET  /healthz   {"status":"ok"|"down","store":KIND}, 200 or 503
 *   GET  /metrics   Prometheus text
 *   GET  /          the web chat (index.html, app.js, style.css)
 *
 * Sessions live in a session store (sstore.h): in this process, or in Redis for any
 * number of processes. Nothing a person types is logged: this file prints
 * one line when it starts and error messages without message text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "proto.h"
#include "sstore.h"

/* Latency buckets of the histogram, in seconds. */
static const double BUCKETS[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                 0.01,   0.025,   0.05,   0.1,   0.25,   1};
enum { NBUCKETS = sizeof BUCKETS / sizeof BUCKETS[0] };

typedef struct metrics {
    atomic_ulong turns;           /* turns and greetings answered */
    atomic_ulong requests;        /* protocol requests answered with 200 */
    atomic_ulong crisis, warning; /* crisis replies by tier */
    atomic_ulong store_errors;    /* requests answered 503 for the sstore */
    atomic_ulong busy;            /* requests answered 503 for a held lock */
    atomic_ulong bad;             /* requests answered 4xx */
    atomic_ulong started;         /* sessions started */
    atomic_ulong restarted;       /* states that could not be restored */
    atomic_ulong hist[NBUCKETS + 1];
    atomic_ulong sum_us;
} metrics;

typedef struct asset {
    const char *path, *file, *type;
    char *body;
    size_t len;
} asset;

typedef struct server {
    const dbt_engine *e;
    const char *region;
    sstore *st;
    size_t body_limit;
    metrics m;
    asset assets[4];
} server;

/* What a connection has sent so far of its request body. */
typedef struct upload {
    char *buf;
    size_t len, cap;
    bool too_big;
} upload;

static const char *const SECURITY[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
     "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status, const char *type,
                                 const char *body, size_t len, bool copy, const char *retry,
                                 const char *allow)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    for (size_t i = 0; i < sizeof SECURITY / sizeof SECURITY[0]; i++)
        MHD_add_response_header(r, SECURITY[i][0], SECURITY[i][1]);
    if (retry)
        MHD_add_response_header(r, "Retry-After", retry);
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *o,
                                 const char *retry, const char *allow)
{
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!s)
        return send_body(c, 500, "application/json", "{\"error\":\"out of memory\"}", 25, false,
                         NULL, NULL);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(strlen(s), s, free);
    if (!r) {
        free(s);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    for (size_t i = 0; i < sizeof SECURITY / sizeof SECURITY[0]; i++)
        MHD_add_response_header(r, SECURITY[i][0], SECURITY[i][1]);
    if (retry)
        MHD_add_response_header(r, "Retry-After", retry);
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_error(server *sv, struct MHD_Connection *c, unsigned status,
                                  const char *id, const char *msg, const char *allow)
{
    if (status >= 400 && status < 500)
        atomic_fetch_add(&sv->m.bad, 1);
    return send_json(c, status, proto_error_json(id, msg), status == 503 ? "1" : NULL, allow);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void observe(metrics *m, double s)
{
    size_t i = 0;
    while (i < NBUCKETS && s > BUCKETS[i])
        i++;
    atomic_fetch_add(&m->hist[i], 1);
    atomic_fetch_add(&m->sum_us, (unsigned long)(s * 1e6));
}

static unsigned status_of(proto_err e)
{
    switch (e) {
    case PROTO_OK: return 200;
    case PROTO_BAD: return 400;
    case PROTO_STATE: return 422;
    case PROTO_FULL: return 503;
    case PROTO_NOMEM: return 500;
    }
    return 500;
}

static bool is_json_type(const char *t)
{
    if (!t)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(t, "application/json", n) == 0 && (t[n] == '\0' || t[n] == ';');
}

/* POST /v1/turn with the whole body read. */
static enum MHD_Result turn(server *sv, struct MHD_Connection *c, const upload *up)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_error_t jerr;
    json_t *req = json_loadb(up->buf ? up->buf : "", up->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        char msg[300];
        snprintf(msg, sizeof msg, "malformed JSON: %s", jerr.text);
        return send_error(sv, c, 400, NULL, msg, NULL);
    }
    proto_req q;
    const char *bad;
    if (proto_parse(req, false, &q, &bad) != PROTO_OK) {
        enum MHD_Result ok = send_error(sv, c, 400, q.id, bad, NULL);
        json_decref(req);
        return ok;
    }
    char fresh[33];
    if (!q.id) {
        if (!sstore_random_hex(fresh, 16)) {
            json_decref(req);
            return send_error(sv, c, 500, NULL, "no random numbers", NULL);
        }
        q.id = fresh;
    }
    sstore_result res = {0};
    sstore_rc rc = sv->st->run(sv->st, sv->e, &q, sv->region, &res);
    enum MHD_Result ok;
    if (rc == SSTORE_DOWN) {
        atomic_fetch_add(&sv->m.store_errors, 1);
        ok = send_error(sv, c, 503, q.id, "the session store cannot be reached; try again", NULL);
    } else if (rc == SSTORE_BUSY) {
        atomic_fetch_add(&sv->m.busy, 1);
        ok = send_error(sv, c, 503, q.id, "the session is busy with another request; try again",
                        NULL);
    } else if (!res.reply) {
        if (res.err == PROTO_FULL)
            atomic_fetch_add(&sv->m.store_errors, 1);
        ok = send_error(sv, c, status_of(res.err), q.id, res.msg, NULL);
    } else {
        if (res.restarted) {
            atomic_fetch_add(&sv->m.restarted, 1);
            json_object_set_new(res.reply, "restarted", json_true());
        }
        if (res.created)
            atomic_fetch_add(&sv->m.started, 1);
        if (res.turn)
            atomic_fetch_add(&sv->m.turns, 1);
        if (res.tier && !strcmp(res.tier, "warning"))
            atomic_fetch_add(&sv->m.warning, 1);
        else if (res.tier)
            atomic_fetch_add(&sv->m.crisis, 1);
        atomic_fetch_add(&sv->m.requests, 1);
        observe(&sv->m, seconds_since(&t0));
        ok = send_json(c, 200, res.reply, NULL, NULL);
    }
    json_decref(req);
    return ok;
}

static enum MHD_Result health(server *sv, struct MHD_Connection *c)
{
    bool up = sv->st->healthy(sv->st);
    return send_json(c, up ? 200 : 503,
                     json_pack("{s:s,s:s}", "status", up ? "ok" : "down", "store", sv->st->kind),
                     up ? NULL : "1", NULL);
}

/* Append to a growing text; false when out of memory. */
static bool addf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool addf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        /* started just above; the analyzer loses track of it in the loop */
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return false;
        if ((size_t)n < *cap - *len) {
            *len += (size_t)n;
            return true;
        }
        size_t ncap = *cap * 2 + (size_t)n;
        char *b = realloc(*buf, ncap);
        if (!b)
            return false;
        *buf = b;
        *cap = ncap;
    }
}

static enum MHD_Result metrics_page(server *sv, struct MHD_Connection *c)
{
    metrics *m = &sv->m;
    size_t len = 0, cap = 4096;
    char *b = malloc(cap);
    bool good = b != NULL;
#define ADD(...) (good = good && addf(&b, &len, &cap, __VA_ARGS__))
    ADD("# HELP dbtcoach_turns_total Turns and greetings answered.\n"
        "# TYPE dbtcoach_turns_total counter\ndbtcoach_turns_total %lu\n",
        atomic_load(&m->turns));
    ADD("# HELP dbtcoach_requests_total Protocol requests answered with 200.\n"
        "# TYPE dbtcoach_requests_total counter\ndbtcoach_requests_total %lu\n",
        atomic_load(&m->requests));
    ADD("# HELP dbtcoach_crisis_replies_total Crisis replies, by tier.\n"
        "# TYPE dbtcoach_crisis_replies_total counter\n"
        "dbtcoach_crisis_replies_total{tier=\"crisis\"} %lu\n"
        "dbtcoach_crisis_replies_total{tier=\"warning\"} %lu\n",
        atomic_load(&m->crisis), atomic_load(&m->warning));
    ADD("# HELP dbtcoach_turn_duration_seconds Time to carry out a request, store included.\n"
        "# TYPE dbtcoach_turn_duration_seconds histogram\n");
    unsigned long cum = 0;
    for (size_t i = 0; i <= NBUCKETS; i++) {
        cum += atomic_load(&m->hist[i]);
        if (i < NBUCKETS)
            ADD("dbtcoach_turn_duration_seconds_bucket{le=\"%g\"} %lu\n", BUCKETS[i], cum);
        else
            ADD("dbtcoach_turn_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
    }
    ADD("dbtcoach_turn_duration_seconds_sum %.6f\ndbtcoach_turn_duration_seconds_count %lu\n",
        (double)atomic_load(&m->sum_us) / 1e6, cum);
    ADD("# HELP dbtcoach_store_errors_total Requests refused because the store could not serve "
        "them.\n# TYPE dbtcoach_store_errors_total counter\ndbtcoach_store_errors_total %lu\n",
        atomic_load(&m->store_errors));
    ADD("# HELP dbtcoach_session_busy_total Requests refused because their session stayed "
        "locked.\n# TYPE dbtcoach_session_busy_total counter\ndbtcoach_session_busy_total %lu\n",
        atomic_load(&m->busy));
    ADD("# HELP dbtcoach_bad_requests_total Requests answered with a 4xx status.\n"
        "# TYPE dbtcoach_bad_requests_total counter\ndbtcoach_bad_requests_total %lu\n",
        atomic_load(&m->bad));
    ADD("# HELP dbtcoach_sessions_started_total Sessions started by this process.\n"
        "# TYPE dbtcoach_sessions_started_total counter\ndbtcoach_sessions_started_total %lu\n",
        atomic_load(&m->started));
    ADD("# HELP dbtcoach_sessions_restarted_total Saved states that could not be restored.\n"
        "# TYPE dbtcoach_sessions_restarted_total counter\n"
        "dbtcoach_sessions_restarted_total %lu\n",
        atomic_load(&m->restarted));
    long n = sv->st->sessions(sv->st);
    if (n >= 0)
        ADD("# HELP dbtcoach_sessions Sessions held in this process.\n"
            "# TYPE dbtcoach_sessions gauge\ndbtcoach_sessions %ld\n",
            n);
#undef ADD
    if (!good) {
        free(b);
        return send_error(sv, c, 500, NULL, "out of memory", NULL);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback(len, b, free);
    if (!r) {
        free(b);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *data,
                               size_t *data_size, void **con_cls)
{
    (void)version;
    server *sv = cls;
    bool post = !strcmp(method, "POST");
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (!strcmp(url, "/v1/turn")) {
        if (!post)
            return send_error(sv, c, 405, NULL, "use POST for /v1/turn", "POST");
        upload *up = *con_cls;
        if (!up) {
            if (!is_json_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type")))
                return send_error(sv, c, 415, NULL, "send the request as application/json", NULL);
            const char *cl =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl && strtoull(cl, NULL, 10) > sv->body_limit)
                return send_error(sv, c, 413, NULL, "the request body is too large", NULL);
            up = calloc(1, sizeof *up);
            if (!up)
                return MHD_NO;
            *con_cls = up;
            return MHD_YES;
        }
        if (*data_size) {
            if (!up->too_big && up->len + *data_size > sv->body_limit) {
                up->too_big = true;
            } else if (!up->too_big) {
                if (up->len + *data_size > up->cap) {
                    size_t ncap = (up->len + *data_size) * 2;
                    char *b = realloc(up->buf, ncap);
                    if (!b)
                        return MHD_NO;
                    up->buf = b;
                    up->cap = ncap;
                }
                memcpy(up->buf + up->len, data, *data_size);
                up->len += *data_size;
            }
            *data_size = 0;
            return MHD_YES;
        }
        if (up->too_big)
            return send_error(sv, c, 413, NULL, "the request body is too large", NULL);
        return turn(sv, c, up);
    }
    if (!strcmp(url, "/favicon.ico") && get)
        return send_body(c, 204, "image/x-icon", "", 0, false, NULL, NULL);
    bool known = !strcmp(url, "/healthz") || !strcmp(url, "/metrics");
    for (size_t i = 0; i < sizeof sv->assets / sizeof sv->assets[0]; i++)
        known = known || (sv->assets[i].path && !strcmp(url, sv->assets[i].path));
    if (!known)
        return send_error(sv, c, 404, NULL, "no such resource", NULL);
    if (!get)
        return send_error(sv, c, 405, NULL, "use GET here", "GET, HEAD");
    if (!strcmp(url, "/healthz"))
        return health(sv, c);
    if (!strcmp(url, "/metrics"))
        return metrics_page(sv, c);
    for (size_t i = 0; i < sizeof sv->assets / sizeof sv->assets[0]; i++) {
        asset *a = &sv->assets[i];
        if (a->path && !strcmp(url, a->path)) {
            if (!a->body)
                return send_error(sv, c, 404, NULL, "the web chat is not installed", NULL);
            return send_body(c, 200, a->type, a->body, a->len, false, NULL, NULL);
        }
    }
    return send_error(sv, c, 404, NULL, "no such resource", NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    upload *up = *con_cls;
    if (up) {
        free(up->buf);
        free(up);
        *con_cls = NULL;
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            char *b = realloc(buf, cap = cap ? cap * 2 : 16384);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* The web chat's folder: --web, $DBTCOACH_WEB, web/ next to the skills
 * folder, or the installed one. */
static const char *web_dir(const char *flag, const char *skills, char *buf, size_t n)
{
    if (flag)
        return flag;
    const char *env = getenv("DBTCOACH_WEB");
    if (env && *env)
        return env;
    snprintf(buf, n, "%s/../web", skills);
    char probe[PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/index.html", buf);
    if (access(probe, R_OK) == 0)
        return buf;
    return NULL;
}

static bool parse_listen(const char *s, struct sockaddr_in *sa)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= 64)
        return false;
    char host[64];
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end || port < 0 || port > 65535)
        return false;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof host, "127.0.0.1");
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static bool int_arg(const char *name, const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < lo || n > hi) {
        fprintf(stderr, "dbtcoach serve: %s must be a number from %ld to %ld\n", name, lo, hi);
        return false;
    }
    *out = n;
    return true;
}

static void serve_usage(FILE *f)
{
    fputs("usage: dbtcoach serve [--listen ADDR:PORT] [--store memory|redis://HOST:PORT[/DB]]\n"
          "                      [--threads N] [--max-sessions N] [--idle SECONDS]\n"
          "                      [--ttl SECONDS] [--body-limit BYTES] [--timeout SECONDS]\n"
          "                      [--web DIR]\n",
          f);
}

int serve_main(int argc, char **argv, const cli_opts *o)
{
    const char *listen = "127.0.0.1:8080", *store_arg = "memory", *web_flag = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN), max_sessions = 100000, idle = 1800, ttl = 86400,
         body_limit = 64 * 1024L, timeout = 30;
    if (threads < 2)
        threads = 2;
    if (threads > 16)
        threads = 16;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool good = true;
        if (!v) {
            if (a[0] == '-')
                fprintf(stderr, "dbtcoach serve: %s needs a value\n", a);
            else
                fprintf(stderr, "dbtcoach serve: unknown argument '%s'\n", a);
            return 2;
        }
        if (!strcmp(a, "--listen"))
            listen = v;
        else if (!strcmp(a, "--store"))
            store_arg = v;
        else if (!strcmp(a, "--web"))
            web_flag = v;
        else if (!strcmp(a, "--threads"))
            good = int_arg(a, v, 1, 64, &threads);
        else if (!strcmp(a, "--max-sessions"))
            good = int_arg(a, v, 1, 100000000, &max_sessions);
        else if (!strcmp(a, "--idle"))
            good = int_arg(a, v, 1, 7 * 86400L, &idle);
        else if (!strcmp(a, "--ttl"))
            good = int_arg(a, v, 1, 365 * 86400L, &ttl);
        else if (!strcmp(a, "--body-limit"))
            good = int_arg(a, v, 256, 16L * 1024 * 1024, &body_limit);
        else if (!strcmp(a, "--timeout"))
            good = int_arg(a, v, 1, 3600, &timeout);
        else {
            fprintf(stderr, "dbtcoach serve: unknown argument '%s'\n", a);
            serve_usage(stderr);
            return 2;
        }
        if (!good)
            return 2;
        i++;
    }
    struct sockaddr_in sa;
    if (!parse_listen(listen, &sa)) {
        fprintf(stderr, "dbtcoach serve: --listen takes an IPv4 ADDR:PORT, not '%s'\n", listen);
        return 2;
    }

    server sv = {0};
    char err[300];
    if (!strcmp(store_arg, "memory"))
        sv.st = sstore_memory_new(max_sessions, (int)idle);
    else if (!(sv.st = sstore_redis_new(store_arg, (int)ttl, err, sizeof err))) {
        fprintf(stderr, "dbtcoach serve: %s\n", err);
        return 2;
    }
    if (!sv.st) {
        fprintf(stderr, "dbtcoach serve: out of memory\n");
        return 1;
    }
    dbt_engine *e = cli_load(o->skills, false, false, NULL, NULL);
    if (!e) {
        sv.st->free(sv.st);
        return 2;
    }
    sv.e = e;
    sv.region = o->region;
    sv.body_limit = (size_t)body_limit;
    char wbuf[PATH_MAX];
    const char *web = web_dir(web_flag, o->skills, wbuf, sizeof wbuf);
    static const char *const files[][3] = {
        {"/", "index.html", "text/html; charset=utf-8"},
        {"/index.html", "index.html", "text/html; charset=utf-8"},
        {"/app.js", "app.js", "text/javascript; charset=utf-8"},
        {"/style.css", "style.css", "text/css; charset=utf-8"},
    };
    for (size_t i = 0; i < 4; i++) {
        asset *a = &sv.assets[i];
        a->path = files[i][0];
        a->file = files[i][1];
        a->type = files[i][2];
        if (web) {
            char p[PATH_MAX + 32];
            snprintf(p, sizeof p, "%s/%s", web, a->file);
            a->body = slurp(p, &a->len);
        }
    }
    if (!sv.assets[0].body)
        fprintf(stderr, "dbtcoach serve: note: no web chat found (use --web DIR); "
                        "GET / answers 404\n");

    /* SIGTERM and SIGINT are taken by sigwait below: blocked in every thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC, 0, NULL, NULL, handler, &sv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_END);
    int rc = 0;
    if (!d) {
        fprintf(stderr, "dbtcoach serve: cannot listen on %s\n", listen);
        rc = 1;
    } else {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
        printf("listening on http://%s:%u/ (store: %s, %ld threads)\n", addr,
               info ? info->port : ntohs(sa.sin_port), sv.st->kind, threads);
        fflush(stdout);
        int sig;
        while (sigwait(&stop, &sig) != 0)
            ;
        /* Stop taking connections; requests already being answered finish. */
        MHD_socket fd = MHD_quiesce_daemon(d);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        MHD_stop_daemon(d);
    }
    for (size_t i = 0; i < 4; i++)
        free(sv.assets[i].body);
    sv.st->free(sv.st);
    dbt_engine_free(e);
    return rc;
}
