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

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cli.h"
#include "ydoc.h"

/* What the tests reached, for --coverage: every part of the scripts (each
 * step, rule and trigger of every skill, see dbt_engine_part), hit or not. */
typedef struct coverage {
    bool *hit; /* by part index */
    size_t n;
} coverage;

typedef struct runner {
    dbt_engine *e;
    const cli_opts *o;
    int passed, failed;
    bool verbose;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    FILE *why;     /* failures of the current turn, in memory */
    coverage *cov; /* NULL unless --coverage */
} runner;

/* Match limits for regex expectations, the same as the engine's. */
enum { MATCH_LIMIT = 200000, DEPTH_LIMIT = 5000, HEAP_LIMIT_KIB = 4096 };

static void cov_init(coverage *c, const dbt_engine *e)
{
    c->n = dbt_engine_part_count(e);
    c->hit = calloc(c->n ? c->n : 1, sizeof *c->hit);
    if (!c->hit)
        abort();
}

static void on_part(void *user, size_t part)
{
    coverage *c = user;
    if (part < c->n)
        c->hit[part] = true;
}

static int pct(size_t a, size_t b) { return b ? (int)(100 * a / b) : 100; }

static void cov_report(const coverage *c, const dbt_engine *e)
{
    size_t all_s = 0, all_sh = 0, all_r = 0, all_rh = 0;
    printf("coverage: steps and rules the tests reached\n");
    dbt_skill_info sk;
    for (size_t k = 0; dbt_engine_skill_info(e, k, &sk) == 0; k++) {
        size_t s = 0, sh = 0, r = 0, rh = 0;
        dbt_part p;
        for (size_t i = 0; dbt_engine_part(e, i, &p) == 0; i++) {
            if (strcmp(p.skill, sk.id) != 0)
                continue;
            if (p.kind == DBT_PART_STEP) {
                s++;
                sh += c->hit[i];
            } else {
                r++;
                rh += c->hit[i];
            }
        }
        printf("  %-28s steps %3zu/%-3zu rules %3zu/%-3zu %3d%%\n", sk.id, sh, s, rh, r,
               pct(sh + rh, s + r));
        for (size_t i = 0; dbt_engine_part(e, i, &p) == 0; i++)
            if (!c->hit[i] && !strcmp(p.skill, sk.id))
                printf("    %s:%d: %s not reached: %.60s\n", p.file, p.line,
                       p.kind == DBT_PART_STEP ? "step" : "rule", p.label);
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

/* Does `subject` match the pattern `src` (`n` bytes), compiled as the
 * engine compiles script patterns (UTF, UCP, caseless)? */
static bool regex_match(runner *R, const char *subject, const char *src, size_t n,
                        const char *as_written)
{
    int errcode = 0;
    PCRE2_SIZE off = 0;
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)src, n, PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF,
        &errcode, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        if (errcode == PCRE2_ERROR_HEAPLIMIT)
            snprintf((char *)msg, sizeof msg, "out of memory");
        else if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
            snprintf((char *)msg, sizeof msg, "invalid pattern");
        fprintf(R->why, "    the pattern %s does not compile: %s\n", as_written, (const char *)msg);
        return false;
    }
    int rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, R->md, R->mc);
    pcre2_code_free(code);
    return rc >= 0;
}

/* Does `text` contain `want` (ignoring case), or match it as /regex/? */
static bool contains(runner *R, const char *subject, const char *want, size_t n)
{
    if (is_regex(want, n))
        return regex_match(R, subject, want + 1, n - 2, want);
    size_t tl = strlen(subject);
    for (size_t i = 0; i + n <= tl; i++)
        if (!strncasecmp(subject + i, want, n))
            return true;
    return false;
}

static const char *scalar(const ydoc_node *n)
{
    return n && n->kind == YDOC_SCALAR ? n->str : NULL;
}

static void bad(runner *R, const char *file, const ydoc_node *n, const char *msg)
{
    fprintf(stderr, "%s:%d:%d: error: %s\n", file, n ? n->line : 0, n ? n->col : 0, msg);
    R->failed++;
}

/* Check one expectation list (a string or a list of strings). */
static void expect_texts(runner *R, const ydoc_node *n, const char *text, bool want)
{
    if (!n)
        return;
    size_t cnt = n->kind == YDOC_SEQ ? n->n : 1;
    for (size_t i = 0; i < cnt; i++) {
        const ydoc_node *item = n->kind == YDOC_SEQ ? n->items[i] : n;
        if (item->kind != YDOC_SCALAR)
            continue;
        if (contains(R, text, item->str, item->len) != want)
            fprintf(R->why, "    expected the reply %s: %s\n",
                    want ? "to contain" : "not to contain", item->str);
    }
}

static bool yes(const char *s) { return s && (!strcmp(s, "true") || !strcmp(s, "yes")); }

static void check_turn(runner *R, const ydoc_node *t, const dbt_reply *r)
{
    expect_texts(R, ydoc_get(t, "reply"), r->text, true);
    expect_texts(R, ydoc_get(t, "not"), r->text, false);
    const char *v;
    if ((v = scalar(ydoc_get(t, "skill")))) {
        bool none = !strcmp(v, "none") || !strcmp(v, "null") || !strcmp(v, "~") || !*v;
        if (none ? r->skill != NULL : !r->skill || strcmp(r->skill, v) != 0)
            fprintf(R->why, "    expected skill: %s, but it is %s\n", v,
                    r->skill ? r->skill : "none");
    }
    if ((v = scalar(ydoc_get(t, "step"))) && (!r->step || strcmp(r->step, v) != 0))
        fprintf(R->why, "    expected step: %s, but it is %s\n", v, r->step ? r->step : "none");
    if ((v = scalar(ydoc_get(t, "crisis")))) {
        bool want_flag = strcmp(v, "false") != 0 && strcmp(v, "no") != 0;
        bool named = want_flag && strcmp(v, "true") != 0 && strcmp(v, "yes") != 0;
        if (!!r->crisis != want_flag)
            fprintf(R->why, "    expected crisis: %s, but the reply has crisis: %s\n", v,
                    r->crisis ? r->category : "false");
        else if (named && (!r->category || strcmp(r->category, v) != 0))
            fprintf(R->why, "    expected crisis category %s, but it is %s\n", v,
                    r->category ? r->category : "none");
    }
    if ((v = scalar(ydoc_get(t, "ended"))) && yes(v) != !!r->ended)
        fprintf(R->why, "    expected ended: %s\n", v);
    const ydoc_node *ch = ydoc_get(t, "choices");
    if (ch && ch->kind == YDOC_SEQ) {
        bool same = ch->n == r->n_choices;
        for (size_t i = 0; same && i < ch->n; i++)
            same = ch->items[i]->kind == YDOC_SCALAR && !strcmp(ch->items[i]->str, r->choices[i]);
        if (!same) {
            fprintf(R->why, "%s", "    expected choices: [");
            for (size_t i = 0; i < ch->n; i++)
                fprintf(R->why, "%s%s", i ? ", " : "",
                        scalar(ch->items[i]) ? ch->items[i]->str : "?");
            fprintf(R->why, "%s", "], but they are [");
            for (size_t i = 0; i < r->n_choices; i++)
                fprintf(R->why, "%s%s", i ? ", " : "", r->choices[i]);
            fprintf(R->why, "%s", "]\n");
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

static void run_case(runner *R, const char *file, const ydoc_node *c, const char *region)
{
    static const char *const keys[] = {"name", "region", "start", "turns", NULL};
    static const char *const tkeys[] = {"user",   "reply",   "not",   "skill", "step",
                                        "crisis", "choices", "ended", NULL};
    if (c->kind != YDOC_MAP) {
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
    const char *name = scalar(ydoc_get(c, "name"));
    if (!name)
        name = "(unnamed)";
    const char *creg = scalar(ydoc_get(c, "region"));
    dbt_session *s = dbt_session_new(R->e, creg ? creg : region);
    if (!s) {
        bad(R, file, c, "out of memory");
        return;
    }
    if (R->cov)
        dbt_session_set_trace(s, on_part, R->cov);
    const dbt_reply *r = dbt_session_start(s);
    const char *start = scalar(ydoc_get(c, "start"));
    if (start) {
        char sk[128];
        snprintf(sk, sizeof sk, "%s", start);
        char *at = strchr(sk, '@');
        if (at)
            *at++ = '\0';
        r = dbt_session_jump(s, sk, at);
        if (!r) {
            bad(R, file, ydoc_get(c, "start"), "start: no such skill or step");
            dbt_session_free(s);
            return;
        }
    }
    const ydoc_node *turns = ydoc_get(c, "turns");
    if (!turns || turns->kind != YDOC_SEQ) {
        bad(R, file, c, "a case needs 'turns:', a list");
        dbt_session_free(s);
        return;
    }
    bool ok = true;
    for (size_t i = 0; i < turns->n && ok; i++) {
        const ydoc_node *t = turns->items[i];
        if (t->kind != YDOC_MAP) {
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
        const ydoc_node *u = ydoc_get(t, "user");
        /* A turn without `user:` checks the reply already given (the
         * greeting, or the start step). */
        if (u) {
            const char *said = scalar(u);
            r = dbt_session_turn(s, said ? said : "");
        }
        char *failures = NULL;
        size_t nfailures = 0;
        R->why = open_memstream(&failures, &nfailures);
        if (!R->why)
            abort();
        check_turn(R, t, r);
        fclose(R->why);
        R->why = NULL;
        if (nfailures) {
            ok = false;
            fprintf(stderr, "FAIL %s:%d: %s, turn %zu", file, t->line, name, i + 1);
            if (u && scalar(u))
                fprintf(stderr, " (user: %s)", u->str);
            fprintf(stderr, "\n%s", failures);
            print_said(r->text);
        }
        free(failures);
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

/* The whole of the file at `path`, NUL-terminated, in `*len` bytes; NULL
 * when it cannot be read. The caller frees it. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = 0, cap = 8192;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return NULL;
    }
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (cap - n < 4096) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void run_file(runner *R, const char *path)
{
    size_t len = 0;
    char *buf = read_all(path, &len);
    if (!buf) {
        fprintf(stderr, "%s: error: cannot read\n", path);
        R->failed++;
        return;
    }
    ydoc doc;
    char msg[512];
    int line, col;
    bool parsed = ydoc_parse(&doc, buf, len, msg, sizeof msg, &line, &col);
    free(buf);
    if (!parsed || !doc.root) {
        fprintf(stderr, "%s:%d:%d: error: %s\n", path, line, col, msg[0] ? msg : "empty file");
        R->failed++;
        ydoc_free(&doc);
        return;
    }
    const ydoc_node *root = doc.root;
    const char *region = scalar(ydoc_get(root, "region"));
    const ydoc_node *cases = ydoc_get(root, "cases");
    if (!cases || cases->kind != YDOC_SEQ) {
        bad(R, path, root, "a transcript file needs 'cases:', a list");
    } else {
        for (size_t i = 0; i < cases->n; i++)
            run_case(R, path, cases->items[i], region ? region : "US");
    }
    ydoc_free(&doc);
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
    R.md = pcre2_match_data_create(33, NULL);
    R.mc = pcre2_match_context_create(NULL);
    if (!R.md || !R.mc) {
        pcre2_match_data_free(R.md);
        pcre2_match_context_free(R.mc);
        dbt_engine_free(R.e);
        return 2;
    }
    pcre2_set_match_limit(R.mc, MATCH_LIMIT);
    pcre2_set_depth_limit(R.mc, DEPTH_LIMIT);
    pcre2_set_heap_limit(R.mc, HEAP_LIMIT_KIB);
    if (R.cov)
        cov_init(R.cov, R.e);
    if (first == argc)
        run_path(&R, "tests/transcripts");
    for (int i = first; i < argc; i++)
        run_path(&R, argv[i]);
    if (R.cov) {
        cov_report(R.cov, R.e);
        free(R.cov->hit);
    }
    fflush(stderr);
    printf("%d passed, %d failed\n", R.passed, R.failed);
    pcre2_match_data_free(R.md);
    pcre2_match_context_free(R.mc);
    dbt_engine_free(R.e);
    return R.failed ? 1 : 0;
}
