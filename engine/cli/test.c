/*
 * test.c - `dbtcoach test`: conversation tests written as YAML transcripts.
 *
 *   region: US
 *   cases:
 *     - name: walks STOP to the end
 *       start: stop                # optional: skill or skill@step
 *       turns:
 *         - user: I want to practice the STOP skill
 *           reply: 0 to 10         # contains (ignoring case), or /regex/
 *           not: [calm down]       # must not contain
 *           skill: stop            # also: step, crisis, choices, ended
 *
 * Every case runs in a fresh session, so the same file gives the same
 * result every run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "model.h"
#include "pattern.h"
#include "session.h"
#include "util.h"
#include "ytree.h"

/* What the tests reached, for --coverage: every step and rule of every
 * skill, flattened. */
typedef struct cov_item {
    const void *p;
    int skill;
    bool is_step;
    srcpos pos;
    const char *what;
    bool hit;
} cov_item;

typedef struct coverage {
    cov_item *v;
    size_t n, cap;
} coverage;

typedef struct runner {
    dbt_engine *e;
    const cli_opts *o;
    int passed, failed;
    bool verbose;
    matcher m;
    strbuf why;    /* failures of the current turn */
    coverage *cov; /* NULL unless --coverage */
} runner;

static void cov_add(coverage *c, const void *p, int sk, bool is_step, srcpos pos, const char *what)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        cov_item *v = realloc(c->v, c->cap * sizeof *v);
        if (!v)
            abort();
        c->v = v;
    }
    cov_item it = {p, sk, is_step, pos, what, false};
    c->v[c->n++] = it;
}

static void cov_rules(coverage *c, int k, const rule *r, int n)
{
    for (int i = 0; i < n; i++)
        cov_add(c, &r[i], k, false, r[i].pos,
                r[i].nexamples ? r[i].examples[0]
                : r[i].npats   ? r[i].pats[0]->src
                               : "(any input)");
}

static void cov_init(coverage *c, const dbt_engine *e)
{
    for (int k = 0; k < e->nskills; k++) {
        const skill *sk = &e->skills[k];
        cov_rules(c, k, sk->triggers, sk->ntriggers);
        for (int j = 0; j < sk->nsteps; j++) {
            cov_add(c, &sk->steps[j], k, true, sk->steps[j].pos, sk->steps[j].id);
            cov_rules(c, k, sk->steps[j].rules, sk->steps[j].nrules);
        }
        cov_rules(c, k, sk->rules, sk->nrules);
    }
}

static void on_trace(void *ud, trace_kind kind, const void *what)
{
    (void)kind;
    coverage *c = ud;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].p == what) {
            c->v[i].hit = true;
            return;
        }
}

static int pct(size_t a, size_t b) { return b ? (int)(100 * a / b) : 100; }

static void cov_report(const coverage *c, const dbt_engine *e)
{
    size_t all_s = 0, all_sh = 0, all_r = 0, all_rh = 0;
    printf("coverage: steps and rules the tests reached\n");
    for (int k = 0; k < e->nskills; k++) {
        size_t s = 0, sh = 0, r = 0, rh = 0;
        for (size_t i = 0; i < c->n; i++) {
            if (c->v[i].skill != k)
                continue;
            if (c->v[i].is_step) {
                s++;
                sh += c->v[i].hit;
            } else {
                r++;
                rh += c->v[i].hit;
            }
        }
        printf("  %-28s steps %3zu/%-3zu rules %3zu/%-3zu %3d%%\n", e->skills[k].id, sh, s, rh, r,
               pct(sh + rh, s + r));
        for (size_t i = 0; i < c->n; i++)
            if (c->v[i].skill == k && !c->v[i].hit)
                printf("    %s:%d: %s not reached: %.60s\n", c->v[i].pos.file, c->v[i].pos.line,
                       c->v[i].is_step ? "step" : "rule", c->v[i].what);
        all_s += s;
        all_sh += sh;
        all_r += r;
        all_rh += rh;
    }
    printf("steps %zu/%zu (%d%%), rules %zu/%zu (%d%%)\n", all_sh, all_s, pct(all_sh, all_s),
           all_rh, all_r, pct(all_rh, all_r));
    printf("TOTAL %d%%\n", pct(all_sh + all_rh, all_s + all_r));
}

static bool is_regex(const char *s, size_t n) { return n >= 2 && s[0] == '/' && s[n - 1] == '/'; }

/* Does `text` contain `want` (ignoring case), or match it as /regex/? */
static bool contains(runner *R, const char *text, const char *want, size_t n)
{
    if (is_regex(want, n)) {
        size_t off;
        char msg[200];
        const char *nojit = getenv("DBTCOACH_NO_JIT");
        pattern *p = pat_compile(want + 1, n - 2, !(nojit && *nojit), &off, msg, sizeof msg);
        if (!p) {
            sb_printf(&R->why, "    the pattern %s does not compile: %s\n", want, msg);
            return false;
        }
        bool ok = pat_match(p, text, strlen(text), 0, &R->m) == PM_MATCH;
        pat_free(p);
        return ok;
    }
    size_t tl = strlen(text);
    for (size_t i = 0; i + n <= tl; i++)
        if (!strncasecmp(text + i, want, n))
            return true;
    return false;
}

static const char *scalar(const ynode *n) { return n && n->kind == YN_SCALAR ? n->str : NULL; }

static void bad(runner *R, const char *file, const ynode *n, const char *msg)
{
    fprintf(stderr, "%s:%d:%d: error: %s\n", file, n ? n->line : 0, n ? n->col : 0, msg);
    R->failed++;
}

/* Check one expectation list (a string or a list of strings). */
static void expect_texts(runner *R, const ynode *n, const char *text, bool want)
{
    if (!n)
        return;
    size_t cnt = n->kind == YN_SEQ ? n->n : 1;
    for (size_t i = 0; i < cnt; i++) {
        const ynode *item = n->kind == YN_SEQ ? n->items[i] : n;
        if (item->kind != YN_SCALAR)
            continue;
        if (contains(R, text, item->str, item->len) != want)
            sb_printf(&R->why, "    expected the reply %s: %s\n",
                      want ? "to contain" : "not to contain", item->str);
    }
}

static bool yes(const char *s) { return s && (!strcmp(s, "true") || !strcmp(s, "yes")); }

static void check_turn(runner *R, const ynode *t, const dbt_reply *r)
{
    expect_texts(R, ytree_get(t, "reply"), r->text, true);
    expect_texts(R, ytree_get(t, "not"), r->text, false);
    const char *v;
    if ((v = scalar(ytree_get(t, "skill")))) {
        bool none = !strcmp(v, "none") || !strcmp(v, "null") || !strcmp(v, "~") || !*v;
        if (none ? r->skill != NULL : !r->skill || strcmp(r->skill, v) != 0)
            sb_printf(&R->why, "    expected skill: %s, but it is %s\n", v,
                      r->skill ? r->skill : "none");
    }
    if ((v = scalar(ytree_get(t, "step"))) && (!r->step || strcmp(r->step, v) != 0))
        sb_printf(&R->why, "    expected step: %s, but it is %s\n", v, r->step ? r->step : "none");
    if ((v = scalar(ytree_get(t, "crisis")))) {
        bool want_flag = strcmp(v, "false") != 0 && strcmp(v, "no") != 0;
        bool named = want_flag && strcmp(v, "true") != 0 && strcmp(v, "yes") != 0;
        if (!!r->crisis != want_flag)
            sb_printf(&R->why, "    expected crisis: %s, but the reply has crisis: %s\n", v,
                      r->crisis ? r->category : "false");
        else if (named && (!r->category || strcmp(r->category, v) != 0))
            sb_printf(&R->why, "    expected crisis category %s, but it is %s\n", v,
                      r->category ? r->category : "none");
    }
    if ((v = scalar(ytree_get(t, "ended"))) && yes(v) != !!r->ended)
        sb_printf(&R->why, "    expected ended: %s\n", v);
    const ynode *ch = ytree_get(t, "choices");
    if (ch && ch->kind == YN_SEQ) {
        bool same = ch->n == r->n_choices;
        for (size_t i = 0; same && i < ch->n; i++)
            same = ch->items[i]->kind == YN_SCALAR && !strcmp(ch->items[i]->str, r->choices[i]);
        if (!same) {
            sb_adds(&R->why, "    expected choices: [");
            for (size_t i = 0; i < ch->n; i++)
                sb_printf(&R->why, "%s%s", i ? ", " : "",
                          scalar(ch->items[i]) ? ch->items[i]->str : "?");
            sb_adds(&R->why, "], but they are [");
            for (size_t i = 0; i < r->n_choices; i++)
                sb_printf(&R->why, "%s%s", i ? ", " : "", r->choices[i]);
            sb_adds(&R->why, "]\n");
        }
    }
}

static void print_said(const char *text)
{
    fputs("    the coach said:\n", stderr);
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        fprintf(stderr, "      | %.*s\n", (int)n, p);
        if (!eol)
            break;
        p = eol + 1;
    }
}

static void run_case(runner *R, const char *file, const ynode *c, const char *region)
{
    static const char *const keys[] = {"name", "region", "start", "turns", NULL};
    static const char *const tkeys[] = {"user",   "reply",   "not",   "skill", "step",
                                        "crisis", "choices", "ended", NULL};
    if (c->kind != YN_MAP) {
        bad(R, file, c, "a case must be a mapping with name and turns");
        return;
    }
    for (size_t i = 0; i < c->n; i += 2) {
        bool ok = false;
        for (const char *const *k = keys; *k; k++)
            ok |= !strcmp(*k, c->items[i]->str);
        if (!ok) {
            bad(R, file, c->items[i], "unknown key in a case (name, region, start, turns)");
            return;
        }
    }
    const char *name = scalar(ytree_get(c, "name"));
    if (!name)
        name = "(unnamed)";
    const char *creg = scalar(ytree_get(c, "region"));
    dbt_session *s = dbt_session_new(R->e, creg ? creg : region);
    if (!s) {
        bad(R, file, c, "out of memory");
        return;
    }
    if (R->cov) {
        s->trace = on_trace;
        s->trace_ud = R->cov;
    }
    const dbt_reply *r = dbt_session_start(s);
    const char *start = scalar(ytree_get(c, "start"));
    if (start) {
        char sk[128];
        snprintf(sk, sizeof sk, "%s", start);
        char *at = strchr(sk, '@');
        if (at)
            *at++ = '\0';
        r = dbt_session_jump(s, sk, at);
        if (!r) {
            bad(R, file, ytree_get(c, "start"), "start: no such skill or step");
            dbt_session_free(s);
            return;
        }
    }
    const ynode *turns = ytree_get(c, "turns");
    if (!turns || turns->kind != YN_SEQ) {
        bad(R, file, c, "a case needs 'turns:', a list");
        dbt_session_free(s);
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < turns->n && ok; i++) {
        const ynode *t = turns->items[i];
        if (t->kind != YN_MAP) {
            bad(R, file, t, "a turn must be a mapping (user: ..., reply: ...)");
            dbt_session_free(s);
            return;
        }
        for (size_t k = 0; k < t->n; k += 2) {
            bool known = false;
            for (const char *const *kk = tkeys; *kk; kk++)
                known |= !strcmp(*kk, t->items[k]->str);
            if (!known) {
                bad(R, file, t->items[k],
                    "unknown key in a turn (user, reply, not, skill, step, crisis, choices, "
                    "ended)");
                dbt_session_free(s);
                return;
            }
        }
        const ynode *u = ytree_get(t, "user");
        /* A turn without `user:` checks the reply already given (the
         * greeting, or the start step). */
        if (u) {
            const char *said = scalar(u);
            r = dbt_session_turn(s, said ? said : "");
        }
        sb_clear(&R->why);
        check_turn(R, t, r);
        if (R->why.len) {
            ok = false;
            fprintf(stderr, "FAIL %s:%d: %s, turn %zu", file, t->line, name, i + 1);
            if (u && scalar(u))
                fprintf(stderr, " (user: %s)", u->str);
            fprintf(stderr, "\n%s", sb_str(&R->why));
            print_said(r->text);
        }
    }
    dbt_session_free(s);
    if (ok) {
        R->passed++;
        if (R->verbose)
            fprintf(stderr, "ok   %s: %s\n", file, name);
    } else {
        R->failed++;
    }
}

static void run_file(runner *R, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: error: cannot read\n", path);
        R->failed++;
        return;
    }
    strbuf buf;
    sb_init(&buf);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_addn(&buf, chunk, n);
    fclose(f);
    arena a = {0};
    char msg[512];
    int line, col;
    ynode *root = ytree_parse(&a, sb_str(&buf), buf.len, msg, sizeof msg, &line, &col);
    sb_free(&buf);
    if (!root) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col, msg[0] ? msg : "empty file");
        R->failed++;
        ar_free(&a);
        return;
    }
    const char *region = scalar(ytree_get(root, "region"));
    const ynode *cases = ytree_get(root, "cases");
    if (!cases || cases->kind != YN_SEQ) {
        bad(R, path, root, "a transcript file needs 'cases:', a list");
    } else {
        for (size_t i = 0; i < cases->n; i++)
            run_case(R, path, cases->items[i], region ? region : "US");
    }
    ar_free(&a);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(runner *R, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: error: no such file or folder\n", path);
        R->failed++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(R, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "%s: error: cannot open folder\n", path);
        R->failed++;
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn)
            break;
        names = nn;
        names[n] = malloc(strlen(path) + l + 2);
        if (!names[n])
            break;
        sprintf(names[n], "%s/%s", path, de->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp);
    for (size_t i = 0; i < n; i++) {
        run_file(R, names[i]);
        free(names[i]);
    }
    free(names);
}

int test_main(int argc, char **argv, const cli_opts *o)
{
    runner R = {0};
    coverage cov = {0};
    R.o = o;
    int first = 1;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (!strcmp(argv[first], "-v") || !strcmp(argv[first], "--verbose"))
            R.verbose = true;
        else if (!strcmp(argv[first], "--coverage"))
            R.cov = &cov;
        else {
            fprintf(stderr, "dbtcoach test: unknown option '%s'\n", argv[first]);
            return 2;
        }
    }
    R.e = cli_load(o->skills, false, false, NULL, NULL);
    if (!R.e)
        return 2;
    if (!matcher_init(&R.m, 32, NULL)) {
        dbt_engine_free(R.e);
        return 2;
    }
    sb_init(&R.why);
    if (R.cov)
        cov_init(R.cov, R.e);
    if (first == argc)
        run_path(&R, "tests/transcripts");
    for (int i = first; i < argc; i++)
        run_path(&R, argv[i]);
    if (R.cov) {
        cov_report(R.cov, R.e);
        free(R.cov->v);
    }
    fflush(stderr);
    printf("%d passed, %d failed\n", R.passed, R.failed);
    sb_free(&R.why);
    matcher_free(&R.m);
    dbt_engine_free(R.e);
    return R.failed ? 1 : 0;
}
