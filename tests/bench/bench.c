/*
 * bench.c - how fast dbtcoach is, measured (make bench).
 *
 * 1. The shipped skills: load time, start-up of the command to its first
 *    prompt, turns per second and median / p99 turn latency over a mix of
 *    realistic conversations across 10,000 concurrent sessions, bytes per
 *    session, peak RSS.
 * 2. Generated rule sets of 100 ... 100,000 rules in one scope: load time,
 *    the cost of a turn whose input hits an early rule, a late rule or no
 *    rule, and memory; each against a naive baseline that matches the same
 *    patterns one by one, without JIT and without the prefilter.
 *
 * Figures are medians of several runs. A table goes to stdout, the same
 * figures as JSON to the file named by the first argument.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "session.h"
#include "text.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double pctl(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_d);
    size_t k = (size_t)(p * (double)(n - 1));
    return v[k];
}

static size_t heap_used(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static dbt_engine *load_or_die(const char *dir)
{
    dbt_error err;
    dbt_engine *e = dbt_engine_load(dir, &err);
    if (!e) {
        fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
        exit(1);
    }
    return e;
}

/* ---- the shipped skills ------------------------------------------------ */

static const char *const conv_stop[] = {"hi",
                                        "I want to practice the STOP skill",
                                        "8",
                                        "I want to send my ex a nasty text",
                                        "ok",
                                        "done",
                                        "my chest is tight and I keep replaying it",
                                        "worse",
                                        "go for a walk instead",
                                        "4",
                                        "menu",
                                        NULL};
static const char *const conv_route[] = {
    "I'm about to send a nasty text to my ex",
    "STOP",
    "7",
    "stop",
    "what is DEAR MAN?",
    "I need to ask my boss for a raise",
    "DEAR MAN",
    "my boss",
    "asking",
    "I have worked here two years and took on the team lead tasks",
    "menu",
    NULL};
static const char *const conv_crisis[] = {"hello",
                                          "honestly I don't want to be here anymore",
                                          "breathe with me",
                                          "done",
                                          "ok",
                                          "menu",
                                          "what skills do you have",
                                          "thanks",
                                          NULL};
static const char *const conv_tipp[] = {"my heart is racing and I can't calm down",
                                        "TIPP",
                                        "9",
                                        "no",
                                        "ready",
                                        "done",
                                        "done",
                                        "done",
                                        "done",
                                        "3",
                                        "menu",
                                        "I feel so sad today",
                                        "Opposite action",
                                        "sadness",
                                        "menu",
                                        NULL};
static const char *const *const convs[] = {conv_stop, conv_route, conv_crisis, conv_tipp};

typedef struct shipped {
    double load_ms, startup_ms, turns_per_s, median_us, p99_us;
    double bytes_per_session;
    long rss_kib;
    size_t turns, sessions;
} shipped;

static double startup_ms(const char *bin, const char *skills)
{
    double t[15];
    for (int i = 0; i < 15; i++) {
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "r", stdin);
            freopen("/dev/null", "w", stdout);
            execl(bin, bin, "--skills", skills, (char *)NULL);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        t[i] = (now() - t0) * 1e3;
    }
    return median(t, 15);
}

static void bench_shipped(const char *skills, const char *bin, size_t nsessions, int rounds,
                          shipped *out)
{
    double loads[7];
    for (int i = 0; i < 7; i++) {
        double t0 = now();
        dbt_engine *e = load_or_die(skills);
        loads[i] = (now() - t0) * 1e3;
        dbt_engine_free(e);
    }
    out->load_ms = median(loads, 7);
    out->startup_ms = startup_ms(bin, skills);

    dbt_engine *e = load_or_die(skills);
    size_t before = heap_used();
    dbt_session **ss = malloc(nsessions * sizeof *ss);
    size_t *pos = calloc(nsessions, sizeof *pos);
    for (size_t i = 0; i < nsessions; i++) {
        ss[i] = dbt_session_new(e, i % 3 ? "US" : "GB");
        dbt_session_start(ss[i]);
    }
    size_t nturns = nsessions * (size_t)rounds;
    double *lat = malloc(nturns * sizeof *lat);
    size_t k = 0;
    double t0 = now();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < nsessions; i++) {
            const char *const *conv = convs[i % 4];
            if (!conv[pos[i]])
                pos[i] = 0;
            double a = now();
            dbt_session_turn(ss[i], conv[pos[i]++]);
            lat[k++] = (now() - a) * 1e6;
        }
    double total = now() - t0;
    /* Memory of the sessions as they stand between turns: struct, reply
     * text, variables. */
    size_t vars = 0;
    for (size_t i = 0; i < nsessions; i++)
        for (int v = 0; v < ss[i]->nvars; v++)
            vars += strlen(ss[i]->vars[v].name) + strlen(ss[i]->vars[v].value) + 2;
    size_t after = heap_used();
    out->bytes_per_session = ((double)(after - before) - (double)vars) / (double)nsessions;
    out->turns = nturns;
    out->sessions = nsessions;
    out->turns_per_s = (double)nturns / total;
    out->median_us = pctl(lat, nturns, 0.5);
    out->p99_us = pctl(lat, nturns, 0.99);
    out->rss_kib = peak_rss_kib();
    for (size_t i = 0; i < nsessions; i++)
        dbt_session_free(ss[i]);
    free(ss);
    free(pos);
    free(lat);
    dbt_engine_free(e);
}

/* ---- soak: random and hostile input ---------------------------------------- */

typedef struct soak {
    size_t turns, sessions;
    double seconds;
    double heap_start_mib, heap_mid_mib, heap_end_mib; /* after a tenth, half, all */
    double rss_mib;
} soak;

static const char *const hostile[] = {"\033]0;owned\007\033[2J hi",
                                      "\xff\xfe\xfd",
                                      "I want to kill myself",
                                      "menu",
                                      "back",
                                      "skip",
                                      "stop",
                                      "quit",
                                      "help now",
                                      "what is TIPP?",
                                      "practice DEAR MAN",
                                      "\xe2\x80\xae reversed",
                                      "\xf0\x9d\x90\x88 \xf0\x9d\x90\xb0"
                                      "ant to die",
                                      "10",
                                      "zero",
                                      "yes",
                                      "no",
                                      "",
                                      "{name} {{}} %s %n",
                                      "my feet are killing me"};

/* A million turns over 10,000 sessions: random bytes, hostile strings,
 * crisis language, commands and the odd long line. The heap must stay flat. */
static void bench_soak(const char *skills, size_t nsessions, size_t nturns, soak *out)
{
    dbt_engine *e = load_or_die(skills);
    dbt_session **ss = malloc(nsessions * sizeof *ss);
    for (size_t i = 0; i < nsessions; i++)
        ss[i] = dbt_session_new(e, i % 2 ? "US" : "AU");
    static char buf[6000];
    unsigned seed = 42;
    double t0 = now();
    for (size_t t = 0; t < nturns; t++) {
        seed = seed * 1103515245u + 12345u;
        dbt_session *s = ss[(seed >> 8) % nsessions];
        const char *in;
        unsigned kind = (seed >> 20) % 16;
        if (kind < 6) {
            size_t n = (seed >> 4) % (kind == 0 && (seed & 0x3000) == 0 ? sizeof buf - 1 : 200);
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                buf[i] = (char)((seed >> 16) | 1);
            }
            buf[n] = '\0';
            in = buf;
        } else {
            in = hostile[(seed >> 12) % (sizeof hostile / sizeof hostile[0])];
        }
        if (!dbt_session_turn(s, in)->text)
            abort();
        if (t == nturns / 10)
            out->heap_start_mib = (double)heap_used() / 1048576.0;
        if (t == nturns / 2)
            out->heap_mid_mib = (double)heap_used() / 1048576.0;
    }
    out->seconds = now() - t0;
    out->heap_end_mib = (double)heap_used() / 1048576.0;
    out->rss_mib = (double)peak_rss_kib() / 1024.0;
    out->turns = nturns;
    out->sessions = nsessions;
    for (size_t i = 0; i < nsessions; i++)
        dbt_session_free(ss[i]);
    free(ss);
    dbt_engine_free(e);
}

/* ---- generated rule sets ------------------------------------------------ */

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    if (!a || !b) {
        perror(from);
        exit(1);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        fwrite(buf, 1, n, b);
    fclose(a);
    fclose(b);
}

/* A folder with the shipped coach, crisis screen and hotlines, and one skill
 * whose start step has `n` rules. Rule i matches "i feel word<i>". */
static char *make_set(const char *skills, int n)
{
    char tmpl[] = "/tmp/dbt-bench-XXXXXX";
    char *dir = strdup(mkdtemp(tmpl));
    char a[600], b[600];
    static const char *const top[] = {"coach.yaml", "crisis.yaml", "hotlines.yaml",
                                      "concepts.yaml"};
    for (int i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "%s/%s", skills, top[i]);
        snprintf(b, sizeof b, "%s/%s", dir, top[i]);
        copy_file(a, b);
    }
    snprintf(b, sizeof b, "%s/gen", dir);
    mkdir(b, 0755);
    /* the skills the crisis follow-up offers */
    static const char *const grounding[] = {"stop", "tipp"};
    for (int i = 0; i < 2; i++) {
        snprintf(a, sizeof a, "%s/distress-tolerance/%s.yaml", skills, grounding[i]);
        snprintf(b, sizeof b, "%s/gen/%s.yaml", dir, grounding[i]);
        copy_file(a, b);
    }
    snprintf(b, sizeof b, "%s/gen/gen.yaml", dir);
    FILE *f = fopen(b, "w");
    fprintf(f, "id: gen\ntitle: Generated\nmodule: mindfulness\nsummary: Generated rules.\n"
               "steps:\n  start:\n    say: Go on.\n    rules:\n");
    for (int i = 0; i < n; i++)
        fprintf(f, "      - {match: '\\b(?:feel|felt|feeling)s? +word%06d\\b', goto: start}\n", i);
    fprintf(f, "    fallback: Tell me more.\n");
    fclose(f);
    return dir;
}

static void rm_set(char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}

/* The naive baseline: every pattern of the turn (crisis screen, then the
 * scope's rules) compiled without JIT and matched one by one. */
typedef struct naive {
    pcre2_code **crisis, **rules;
    size_t ncrisis, nrules;
    pcre2_match_data *md;
} naive;

static pcre2_code *compile_nojit(const char *src)
{
    int ec;
    PCRE2_SIZE off;
    return pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                         PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF, &ec,
                         &off, NULL);
}

static void naive_init(naive *nv, const dbt_engine *e)
{
    memset(nv, 0, sizeof *nv);
    const rule_index *rx = e->crisis.rx;
    nv->crisis = malloc(rx->n * sizeof *nv->crisis);
    for (uint32_t i = 0; i < rx->n; i++)
        if (rx->e[i].pat >= 0)
            nv->crisis[nv->ncrisis++] = compile_nojit(rx->e[i].r->pats[rx->e[i].pat]->full);
    int g = model_find_skill(e, "gen");
    const step *st = &e->skills[g].steps[e->skills[g].start];
    nv->rules = malloc((size_t)st->nrules * sizeof *nv->rules);
    for (int i = 0; i < st->nrules; i++)
        nv->rules[nv->nrules++] = compile_nojit(st->rules[i].pats[0]->full);
    nv->md = pcre2_match_data_create(32, NULL);
}

static void naive_free(naive *nv)
{
    for (size_t i = 0; i < nv->ncrisis; i++)
        pcre2_code_free(nv->crisis[i]);
    for (size_t i = 0; i < nv->nrules; i++)
        pcre2_code_free(nv->rules[i]);
    free(nv->crisis);
    free(nv->rules);
    pcre2_match_data_free(nv->md);
}

static int naive_turn(naive *nv, const char *text, strbuf *clean)
{
    text_clean(text, strlen(text), TEXT_MAX_SCREEN, clean);
    for (size_t i = 0; i < nv->ncrisis; i++)
        if (pcre2_match(nv->crisis[i], (PCRE2_SPTR)clean->s, clean->len, 0, 0, nv->md, NULL) >= 0)
            return -1;
    for (size_t i = 0; i < nv->nrules; i++)
        if (pcre2_match(nv->rules[i], (PCRE2_SPTR)clean->s, clean->len, 0, 0, nv->md, NULL) >= 0)
            return (int)i;
    return -2;
}

typedef struct genres {
    int n;
    double load_ms, mem_mib;
    double turn_us[3], naive_us[3]; /* early, late, none */
} genres;

/* Median time of one call of `fn`, repeated to fill about `budget` seconds. */
static double time_turns(dbt_session *s, naive *nv, const char *text, double budget)
{
    strbuf clean;
    sb_init(&clean);
    double runs[5];
    for (int r = 0; r < 5; r++) {
        int reps = 0;
        double t0 = now(), t;
        do {
            if (s)
                dbt_session_turn(s, text);
            else
                naive_turn(nv, text, &clean);
            reps++;
            t = now() - t0;
        } while (t < budget / 5 && reps < 1000000);
        runs[r] = t / reps * 1e6;
    }
    sb_free(&clean);
    return median(runs, 5);
}

static void bench_generated(const char *skills, int n, genres *g)
{
    g->n = n;
    char *dir = make_set(skills, n);
    int runs = n >= 100000 ? 1 : n >= 10000 ? 3 : 5;
    double loads[5];
    size_t mem = 0;
    dbt_engine *e = NULL;
    for (int r = 0; r < runs; r++) {
        size_t before = heap_used();
        double t0 = now();
        e = load_or_die(dir);
        loads[r] = (now() - t0) * 1e3;
        mem = heap_used() - before;
        if (r + 1 < runs)
            dbt_engine_free(e);
    }
    g->load_ms = median(loads, (size_t)runs);
    g->mem_mib = (double)mem / (1024.0 * 1024.0);
    char early[64], late[64];
    snprintf(early, sizeof early, "i feel word%06d", 0);
    snprintf(late, sizeof late, "i feel word%06d", n - 1);
    const char *inputs[3] = {early, late, "nothing in this sentence matches a rule"};
    dbt_session *s = dbt_session_new(e, "US");
    naive nv;
    naive_init(&nv, e);
    double budget = n >= 100000 ? 1.0 : 0.5;
    for (int i = 0; i < 3; i++) {
        dbt_session_jump(s, "gen", NULL);
        const dbt_reply *rep = dbt_session_turn(s, inputs[i]);
        if (rep->crisis || !rep->step) {
            fprintf(stderr, "bench: unexpected reply to '%s'\n", inputs[i]);
            exit(1);
        }
        g->turn_us[i] = time_turns(s, NULL, inputs[i], budget);
        g->naive_us[i] = time_turns(NULL, &nv, inputs[i], n >= 10000 ? budget * 2 : budget);
    }
    naive_free(&nv);
    dbt_session_free(s);
    dbt_engine_free(e);
    rm_set(dir);
}

int main(int argc, char **argv)
{
    const char *json = argc > 1 ? argv[1] : "build/bench.json";
    const char *skills = getenv("DBTCOACH_SKILLS");
    if (!skills || !*skills)
        skills = "skills";
    const char *bin = argc > 2 ? argv[2] : "build/dbtcoach";
    int max_rules = getenv("BENCH_MAX_RULES") ? atoi(getenv("BENCH_MAX_RULES")) : 100000;

    shipped sh;
    bench_shipped(skills, bin, 10000, 20, &sh);
    printf("Shipped skills (%zu sessions, %zu turns of realistic conversation)\n", sh.sessions,
           sh.turns);
    printf("  %-32s %10.2f ms\n", "load", sh.load_ms);
    printf("  %-32s %10.2f ms\n", "start-up to first prompt", sh.startup_ms);
    printf("  %-32s %10.0f\n", "turns per second (one core)", sh.turns_per_s);
    printf("  %-32s %10.2f us\n", "turn latency, median", sh.median_us);
    printf("  %-32s %10.2f us\n", "turn latency, p99", sh.p99_us);
    printf("  %-32s %10.0f bytes\n", "per session, beyond variables", sh.bytes_per_session);
    printf("  %-32s %10.1f MiB\n", "peak RSS", (double)sh.rss_kib / 1024.0);

    soak sk = {0};
    size_t soak_turns =
        getenv("BENCH_SOAK_TURNS") ? (size_t)atol(getenv("BENCH_SOAK_TURNS")) : 1000000;
    bench_soak(skills, 10000, soak_turns, &sk);
    printf("\nSoak: %zu turns of random and hostile input over %zu sessions\n", sk.turns,
           sk.sessions);
    printf("  %-32s %10.1f s (%.0f turns/s)\n", "time", sk.seconds, (double)sk.turns / sk.seconds);
    printf("  %-32s %10.2f MiB\n", "heap after a tenth of the turns", sk.heap_start_mib);
    printf("  %-32s %10.2f MiB\n", "heap after half", sk.heap_mid_mib);
    printf("  %-32s %10.2f MiB\n", "heap at the end", sk.heap_end_mib);
    printf("  %-32s %10.1f MiB\n", "peak RSS so far", sk.rss_mib);

    static const int sizes[] = {100, 1000, 10000, 100000};
    genres g[4];
    int ng = 0;
    printf("\nGenerated rules in one scope: per-turn cost (us) and the naive baseline\n");
    printf("  %8s %10s %9s | %-21s | %-21s | %-21s\n", "rules", "load ms", "mem MiB",
           "early: us (x faster)", "late: us (x faster)", "none: us (x faster)");
    for (int i = 0; i < 4 && sizes[i] <= max_rules; i++) {
        bench_generated(skills, sizes[i], &g[ng]);
        genres *r = &g[ng++];
        printf("  %8d %10.1f %9.1f", r->n, r->load_ms, r->mem_mib);
        for (int k = 0; k < 3; k++)
            printf(" | %8.2f (%8.1fx)  ", r->turn_us[k], r->naive_us[k] / r->turn_us[k]);
        printf("\n");
        fflush(stdout);
    }
    if (ng >= 3) {
        printf(
            "\n  a no-match turn with 10,000 rules costs %.2fx one with 100 (target: at most 3x)\n",
            g[2].turn_us[2] / g[0].turn_us[2]);
        printf("  and is %.0fx faster than the naive baseline (target: at least 20x)\n",
               g[2].naive_us[2] / g[2].turn_us[2]);
    }

    FILE *f = fopen(json, "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", json, strerror(errno));
        return 1;
    }
    fprintf(f,
            "{\n  \"shipped\": {\"sessions\": %zu, \"turns\": %zu, \"load_ms\": %.3f, "
            "\"startup_ms\": %.3f, \"turns_per_second\": %.0f, \"median_us\": %.3f, "
            "\"p99_us\": %.3f, \"bytes_per_session\": %.0f, \"peak_rss_kib\": %ld},\n",
            sh.sessions, sh.turns, sh.load_ms, sh.startup_ms, sh.turns_per_s, sh.median_us,
            sh.p99_us, sh.bytes_per_session, sh.rss_kib);
    fprintf(f,
            "  \"soak\": {\"turns\": %zu, \"sessions\": %zu, \"seconds\": %.2f, "
            "\"heap_start_mib\": %.3f, \"heap_mid_mib\": %.3f, \"heap_end_mib\": %.3f},\n",
            sk.turns, sk.sessions, sk.seconds, sk.heap_start_mib, sk.heap_mid_mib, sk.heap_end_mib);
    fprintf(f, "  \"generated\": [\n");
    for (int i = 0; i < ng; i++) {
        static const char *const names[] = {"early", "late", "none"};
        fprintf(f, "    {\"rules\": %d, \"load_ms\": %.2f, \"memory_mib\": %.2f", g[i].n,
                g[i].load_ms, g[i].mem_mib);
        for (int k = 0; k < 3; k++)
            fprintf(f, ", \"%s_us\": %.3f, \"%s_naive_us\": %.3f, \"%s_speedup\": %.1f", names[k],
                    g[i].turn_us[k], names[k], g[i].naive_us[k], names[k],
                    g[i].naive_us[k] / g[i].turn_us[k]);
        fprintf(f, "}%s\n", i + 1 < ng ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    fclose(f);
    printf("\nfigures written to %s\n", json);
    return 0;
}
