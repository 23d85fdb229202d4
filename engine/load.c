/*
 * load.c - skill scripts (YAML) into the script model.
 *
 * The loader reports every error it can find, each with its file, line and
 * column, and fails the whole load if there was any: a half-loaded coach is
 * worse than none.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "load.h"
#include "session.h"
#include "text.h"
#include "ytree.h"

typedef struct loader {
    dbt_engine *e;
    arena *a;
    diagsink *d;
    const char *file;
    int pcap; /* capacity of e->all_patterns */
    struct {
        dev_t dev;
        ino_t ino;
    } seen[64]; /* folders already entered, so links cannot loop */
    int nseen;
    bool no_jit; /* DBT_LOAD_NO_JIT */
    jmp_buf oom;
} loader;

static void build_names(loader *L);

void diag_vreport(diagsink *d, int severity, const srcpos *pos, const char *fmt, va_list ap)
{
    dbt_error de;
    memset(&de, 0, sizeof de);
    de.status = DBT_ERR_SCRIPT;
    /* ap comes from the caller's va_start. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(de.message, sizeof de.message, fmt, ap);
    if (pos && pos->file) {
        snprintf(de.file, sizeof de.file, "%s", pos->file);
        de.line = pos->line;
        de.column = pos->col;
    }
    if (severity == DBT_SEVERITY_ERROR) {
        if (d->nerrors++ == 0)
            d->first = de;
    } else {
        d->nwarnings++;
    }
    if (d->fn)
        d->fn(d->user, severity, &de);
}

void diag_report(diagsink *d, int severity, const srcpos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, severity, pos, fmt, ap);
    va_end(ap);
}

static srcpos at(const loader *L, const ynode *n)
{
    srcpos p = {L->file, n ? n->line : 0, n ? n->col : 0};
    return p;
}

static void err(loader *L, const ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(loader *L, const ynode *n, const char *fmt, ...)
{
    srcpos p = at(L, n);
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(L->d, DBT_SEVERITY_ERROR, &p, fmt, ap);
    va_end(ap);
}

static const char *kind_name(const ynode *n)
{
    return n->kind == YN_MAP ? "a mapping" : n->kind == YN_SEQ ? "a list" : "a single value";
}

/* Edit distance, for "did you mean" hints on misspelt keys. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30)
        return 99;
    size_t row[32];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

/* Every key of `map` must be in `allowed` (NULL-terminated). */
static bool check_keys(loader *L, const ynode *map, const char *what, const char *const *allowed)
{
    bool ok = true;
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ynode *k = map->items[i];
        bool found = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(k->str, *a) == 0)
                found = true;
        if (found)
            continue;
        const char *best = NULL;
        size_t bd = 3;
        for (const char *const *a = allowed; *a; a++) {
            size_t dd = distance(k->str, *a);
            if (dd < bd) {
                bd = dd;
                best = *a;
            }
        }
        strbuf list;
        sb_init(&list);
        for (const char *const *a = allowed; *a; a++)
            sb_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
        if (best)
            err(L, k, "unknown key '%.80s' in %s; did you mean '%s'?", k->str, what, best);
        else
            err(L, k, "unknown key '%.80s' in %s (known keys: %s)", k->str, what, sb_str(&list));
        sb_free(&list);
        ok = false;
    }
    return ok;
}

static bool want(loader *L, const ynode *n, ynode_kind kind, const char *what)
{
    if (n->kind == kind)
        return true;
    err(L, n, "%s must be %s, not %s", what,
        kind == YN_MAP   ? "a mapping (key: value lines)"
        : kind == YN_SEQ ? "a list"
                         : "text",
        kind_name(n));
    return false;
}

static const char *str_of(loader *L, const ynode *n, const char *what)
{
    if (!n || !want(L, n, YN_SCALAR, what))
        return NULL;
    return n->str;
}

/* A required text key. */
static const char *need_str(loader *L, const ynode *map, const char *key, const char *what)
{
    ynode *n = ytree_get(map, key);
    if (!n) {
        err(L, map, "%s needs '%s:'", what, key);
        return NULL;
    }
    const char *s = str_of(L, n, key);
    if (s && !*s)
        err(L, n, "'%s' must not be empty", key);
    return s;
}

static const char *opt_str(loader *L, const ynode *map, const char *key)
{
    ynode *n = ytree_get(map, key);
    return n ? str_of(L, n, key) : NULL;
}

/* A list of strings; a single string counts as a list of one. */
static int str_list(loader *L, const ynode *n, const char *what, const char ***out, srcpos **pos)
{
    *out = NULL;
    if (pos)
        *pos = NULL;
    if (!n)
        return 0;
    if (n->kind == YN_SCALAR) {
        *out = ar_alloc(L->a, sizeof **out);
        (*out)[0] = n->str;
        if (pos) {
            *pos = ar_alloc(L->a, sizeof **pos);
            (*pos)[0] = at(L, n);
        }
        return 1;
    }
    if (!want(L, n, YN_SEQ, what))
        return 0;
    *out = ar_alloc(L->a, (n->n + 1) * sizeof **out);
    if (pos)
        *pos = ar_alloc(L->a, (n->n + 1) * sizeof **pos);
    int k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s = str_of(L, n->items[i], what);
        if (!s)
            continue;
        if (pos)
            (*pos)[k] = at(L, n->items[i]);
        (*out)[k++] = s;
    }
    return k;
}

static bool get_bool(loader *L, const ynode *n, const char *what)
{
    if (!n)
        return false;
    const char *s = str_of(L, n, what);
    if (!s)
        return false;
    if (!strcmp(s, "true") || !strcmp(s, "yes"))
        return true;
    if (!strcmp(s, "false") || !strcmp(s, "no"))
        return false;
    err(L, n, "'%s' must be true or false", what);
    return false;
}

static int get_int(loader *L, const ynode *n, const char *what, int lo, int hi)
{
    const char *s = str_of(L, n, what);
    if (!s)
        return lo;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) {
        err(L, n, "'%s' must be a whole number from %d to %d", what, lo, hi);
        return lo;
    }
    return (int)v;
}

/* Text the coach says: a string or a list of variants. Templates are checked. */
static textv get_text(loader *L, const ynode *n, const char *what)
{
    textv t = {0};
    if (!n)
        return t;
    t.pos = at(L, n);
    t.n = str_list(L, n, what, &t.v, NULL);
    const ynode *items = n->kind == YN_SEQ ? n : NULL;
    for (int i = 0; i < t.n; i++) {
        size_t off;
        const char *msg;
        if (!render_validate(t.v[i], &off, &msg, NULL, NULL)) {
            const ynode *src = items ? items->items[i] : n;
            srcpos p = at(L, src);
            if (!src->block)
                p.col += (int)off + (src->plain ? 0 : 1);
            else
                p.line += 1;
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s", msg);
        }
    }
    if (n->kind == YN_SEQ && t.n == 0)
        err(L, n, "'%s' is an empty list", what);
    return t;
}

static void keep_pattern(loader *L, pattern *p)
{
    dbt_engine *e = L->e;
    if (e->npatterns == L->pcap) {
        int cap = L->pcap ? L->pcap * 2 : 256;
        pattern **np = mem_realloc(e->all_patterns, (size_t)cap * sizeof(pattern *));
        if (!np) {
            pat_free(p);
            longjmp(L->oom, 1);
        }
        e->all_patterns = np;
        L->pcap = cap;
    }
    e->all_patterns[e->npatterns++] = p;
    if ((int)p->ncaptures > e->max_captures)
        e->max_captures = (int)p->ncaptures;
}

static pattern *compile(loader *L, const ynode *n)
{
    if (!str_of(L, n, "match"))
        return NULL;
    size_t off = 0;
    char msg[256];
    pattern *p = pat_compile(n->str, n->len, !L->no_jit, &off, msg, sizeof msg);
    if (!p) {
        if (!strcmp(msg, "out of memory"))
            longjmp(L->oom, 1);
        srcpos pos = at(L, n);
        if (!n->block)
            pos.col += (int)off + (n->plain ? 0 : 1);
        diag_report(L->d, DBT_SEVERITY_ERROR, &pos, "pattern does not compile: %s", msg);
        return NULL;
    }
    p->src = n->str;
    keep_pattern(L, p);
    return p;
}

/* Conditions: "urge >= 8", "not answer", "a < b and c == yes". */
static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

static cond *parse_cond(loader *L, const ynode *n)
{
    const char *src = str_of(L, n, "if");
    if (!src)
        return NULL;
    cond *c = ar_alloc(L->a, sizeof *c);
    c->src = src;
    c->pos = at(L, n);
    c->t = ar_alloc(L->a, 8 * sizeof *c->t);
    const char *p = src;
    for (;;) {
        if (c->n == 8) {
            err(L, n, "a condition may join at most 8 comparisons");
            return NULL;
        }
        cond_term *t = &c->t[c->n++];
        while (*p == ' ')
            p++;
        if (!strncmp(p, "not ", 4)) {
            t->negate = true;
            p += 4;
            while (*p == ' ')
                p++;
        }
        const char *a = p;
        while (ident_char(*p))
            p++;
        if (p == a) {
            err(L, n, "condition '%s': expected a variable name at '%s'", src, a);
            return NULL;
        }
        t->lhs = ar_strndup(L->a, a, (size_t)(p - a));
        while (*p == ' ')
            p++;
        static const struct {
            const char *s;
            cond_op op;
        } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
                   {"<", OP_LT},  {">", OP_GT},  {"=", OP_EQ}};
        t->op = OP_TRUTHY;
        for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
            if (!strncmp(p, ops[i].s, strlen(ops[i].s))) {
                t->op = ops[i].op;
                p += strlen(ops[i].s);
                break;
            }
        if (t->op != OP_TRUTHY) {
            if (t->negate) {
                err(L, n, "condition '%s': 'not' goes only before a single name", src);
                return NULL;
            }
            while (*p == ' ')
                p++;
            const char *b = p;
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                b = p;
                while (*p && *p != q)
                    p++;
                if (!*p) {
                    err(L, n, "condition '%s': unclosed quote", src);
                    return NULL;
                }
                t->rhs = ar_strndup(L->a, b, (size_t)(p - b));
                p++;
            } else {
                while (*p && *p != ' ')
                    p++;
                if (p == b) {
                    err(L, n, "condition '%s': expected a value after the comparison", src);
                    return NULL;
                }
                t->rhs = ar_strndup(L->a, b, (size_t)(p - b));
                double num;
                t->rhs_word = !text_number(t->rhs, &num);
            }
        }
        while (*p == ' ')
            p++;
        if (!*p)
            return c;
        if (!strncmp(p, "and ", 4)) {
            p += 4;
            continue;
        }
        err(L, n,
            "condition '%s': expected 'and' or the end at '%s' (comparisons: == != < <= > >=)", src,
            p);
        return NULL;
    }
}

enum rule_kind { RK_STEP, RK_COACH, RK_PATTERN_ONLY, RK_TRIGGER };

static void parse_rule(loader *L, const ynode *n, rule *r, enum rule_kind kind)
{
    static const char *const step_keys[] = {"match", "examples", "if",  "say",     "set", "goto",
                                            "start", "call",     "end", "choices", NULL};
    static const char *const pat_keys[] = {"match", "examples", NULL};
    r->pos = at(L, n);
    r->tskill = r->tstep = -1;
    if (!want(L, n, YN_MAP, "a rule"))
        return;
    check_keys(L, n, kind == RK_PATTERN_ONLY || kind == RK_TRIGGER ? "this rule" : "a rule",
               kind == RK_PATTERN_ONLY || kind == RK_TRIGGER ? pat_keys : step_keys);
    const ynode *m = ytree_get(n, "match");
    if (m) {
        const ynode *one[1] = {m};
        const ynode *const *list = one;
        size_t cnt = 1;
        if (m->kind == YN_SEQ) {
            list = (const ynode *const *)m->items;
            cnt = m->n;
        }
        r->pats = ar_alloc(L->a, (cnt + 1) * sizeof(pattern *));
        for (size_t i = 0; i < cnt; i++) {
            pattern *p = compile(L, list[i]);
            if (p)
                r->pats[r->npats++] = p;
        }
        if (cnt == 0)
            err(L, m, "'match' is an empty list");
    } else if (kind == RK_PATTERN_ONLY || kind == RK_TRIGGER) {
        err(L, n, "this rule needs 'match:'");
    }
    r->nexamples = str_list(L, ytree_get(n, "examples"), "examples", &r->examples, &r->ex_pos);
    const ynode *c = ytree_get(n, "if");
    if (c)
        r->cond = parse_cond(L, c);
    r->say = get_text(L, ytree_get(n, "say"), "say");
    const ynode *set = ytree_get(n, "set");
    if (set && want(L, set, YN_MAP, "'set'")) {
        r->sets = ar_alloc(L->a, (set->n / 2 + 1) * sizeof *r->sets);
        for (size_t i = 0; i + 1 < set->n; i += 2) {
            const ynode *k = set->items[i], *v = set->items[i + 1];
            const char *s = str_of(L, v, "a value in 'set'");
            if (!s)
                continue;
            for (const char *q = k->str; *q; q++)
                if (!ident_char(*q)) {
                    err(L, k, "variable name '%.80s' may use only letters, digits, _ and -",
                        k->str);
                    break;
                }
            size_t off;
            const char *msg;
            if (!render_validate(s, &off, &msg, NULL, NULL)) {
                srcpos p = at(L, v);
                p.col += (int)off + (v->plain ? 0 : 1);
                diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s", msg);
            }
            setvar *sv = &r->sets[r->nsets++];
            sv->var = k->str;
            sv->tmpl = s;
            sv->pos = at(L, k);
        }
    }
    static const struct {
        const char *key;
        act_kind act;
    } acts[] = {{"goto", ACT_GOTO}, {"start", ACT_START}, {"call", ACT_CALL}};
    const ynode *first = NULL;
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        const ynode *t = ytree_get(n, acts[i].key);
        if (!t)
            continue;
        if (first) {
            err(L, t, "a rule can do only one of goto, start, call and end");
            continue;
        }
        first = t;
        r->act = acts[i].act;
        r->target = str_of(L, t, acts[i].key);
        r->target_pos = at(L, t);
    }
    const ynode *end = ytree_get(n, "end");
    if (end && get_bool(L, end, "end")) {
        if (first)
            err(L, end, "a rule can do only one of goto, start, call and end");
        else
            r->act = ACT_END;
    }
    if (r->act == ACT_GOTO && kind == RK_COACH)
        err(L, first, "'goto' moves within a skill; here use 'start: skill-id' (or skill@step)");
    const ynode *ch = ytree_get(n, "choices");
    r->nchoices = str_list(L, ch, "choices", &r->choices, NULL);
}

static rule *parse_rules(loader *L, const ynode *n, const char *what, enum rule_kind kind,
                         int *count)
{
    *count = 0;
    if (!n || !want(L, n, YN_SEQ, what))
        return NULL;
    rule *rs = ar_alloc(L->a, (n->n + 1) * sizeof *rs);
    for (size_t i = 0; i < n->n; i++)
        parse_rule(L, n->items[i], &rs[(*count)++], kind);
    return rs;
}

static void parse_timer(loader *L, const ynode *n, dbt_timer *t)
{
    static const char *const keys[] = {"seconds", "breathe", NULL};
    static const char *const bkeys[] = {"in", "hold", "out", "cycles", NULL};
    if (!want(L, n, YN_MAP, "'timer'") || !check_keys(L, n, "a timer", keys))
        return;
    const ynode *sec = ytree_get(n, "seconds"), *br = ytree_get(n, "breathe");
    if (sec && br) {
        err(L, n, "a timer is either 'seconds' or 'breathe', not both");
        return;
    }
    if (sec) {
        t->kind = DBT_TIMER_COUNTDOWN;
        t->seconds = get_int(L, sec, "seconds", 1, 3600);
    } else if (br) {
        if (!want(L, br, YN_MAP, "'breathe'") || !check_keys(L, br, "'breathe'", bkeys))
            return;
        t->kind = DBT_TIMER_BREATHE;
        const ynode *x;
        t->breathe_in = (x = ytree_get(br, "in")) ? get_int(L, x, "in", 1, 30) : 4;
        t->hold = (x = ytree_get(br, "hold")) ? get_int(L, x, "hold", 0, 30) : 0;
        t->breathe_out = (x = ytree_get(br, "out")) ? get_int(L, x, "out", 1, 30) : 6;
        t->cycles = (x = ytree_get(br, "cycles")) ? get_int(L, x, "cycles", 1, 100) : 5;
        t->seconds = (t->breathe_in + t->hold + t->breathe_out) * t->cycles;
    } else {
        err(L, n, "a timer needs 'seconds' or 'breathe'");
    }
}

static void parse_step(loader *L, const ynode *n, step *st)
{
    static const char *const keys[] = {"say",  "choices", "rules", "fallback", "branch", "skip",
                                       "timer", "end",    "why",   "hint",     "rephrase", NULL};
    st->skip_step = -1;
    if (!want(L, n, YN_MAP, "a step"))
        return;
    check_keys(L, n, "a step", keys);
    st->say = get_text(L, ytree_get(n, "say"), "say");
    st->nchoices = str_list(L, ytree_get(n, "choices"), "choices", &st->choices, NULL);
    st->rules = parse_rules(L, ytree_get(n, "rules"), "'rules'", RK_STEP, &st->nrules);
    st->fallback = get_text(L, ytree_get(n, "fallback"), "fallback");
    st->why = get_text(L, ytree_get(n, "why"), "why");
    st->hint = get_text(L, ytree_get(n, "hint"), "hint");
    st->rephrase = get_text(L, ytree_get(n, "rephrase"), "rephrase");
    const ynode *br = ytree_get(n, "branch");
    if (br && want(L, br, YN_SEQ, "'branch'")) {
        st->branches = ar_alloc(L->a, (br->n + 1) * sizeof *st->branches);
        for (size_t i = 0; i < br->n; i++) {
            static const char *const bkeys[] = {"if", "goto", NULL};
            const ynode *b = br->items[i];
            if (!want(L, b, YN_MAP, "a branch") || !check_keys(L, b, "a branch", bkeys))
                continue;
            branch *x = &st->branches[st->nbranches++];
            x->pos = at(L, b);
            x->tstep = -1;
            const ynode *c = ytree_get(b, "if");
            if (c)
                x->cond = parse_cond(L, c);
            const ynode *g = ytree_get(b, "goto");
            if (!g)
                err(L, b, "a branch needs 'goto:'");
            else {
                x->target = str_of(L, g, "goto");
                x->pos = at(L, g);
            }
        }
        if (st->nrules)
            err(L, br, "a step has either 'branch' (it moves on at once) or 'rules', not both");
    }
    const ynode *sk = ytree_get(n, "skip");
    if (sk) {
        st->skip = str_of(L, sk, "skip");
        st->skip_pos = at(L, sk);
    }
    const ynode *tm = ytree_get(n, "timer");
    if (tm)
        parse_timer(L, tm, &st->timer);
    st->end = get_bool(L, ytree_get(n, "end"), "end");
    if (st->end && (st->nrules || st->nbranches))
        err(L, n, "an end step cannot have 'rules' or 'branch': the skill is over once it is said");
}

static const char *const modules[] = {"mindfulness", "distress-tolerance", "emotion-regulation",
                                      "interpersonal-effectiveness", NULL};

static bool valid_id(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
            return false;
    return true;
}

static void parse_skill(loader *L, const ynode *root)
{
    static const char *const keys[] = {"id",    "title",    "module",   "summary",
                                       "about", "aliases",  "triggers", "steps",
                                       "rules", "fallback", NULL};
    if (!want(L, root, YN_MAP, "a skill file"))
        return;
    check_keys(L, root, "a skill", keys);
    dbt_engine *e = L->e;
    skill *s = &e->skills[e->nskills];
    memset(s, 0, sizeof *s);
    s->file = L->file;
    s->pos = at(L, root);
    s->id = need_str(L, root, "id", "a skill");
    if (s->id && !valid_id(s->id))
        err(L, ytree_get(root, "id"),
            "skill id '%.80s' may use only lowercase letters, digits and -", s->id);
    s->title = need_str(L, root, "title", "a skill");
    s->module = need_str(L, root, "module", "a skill");
    if (s->module) {
        bool ok = false;
        for (const char *const *m = modules; *m; m++)
            ok |= !strcmp(*m, s->module);
        if (!ok)
            err(L, ytree_get(root, "module"),
                "unknown module '%.80s' (mindfulness, distress-tolerance, emotion-regulation or "
                "interpersonal-effectiveness)",
                s->module);
    }
    s->summary = need_str(L, root, "summary", "a skill");
    s->about = opt_str(L, root, "about");
    if (!s->about)
        s->about = s->summary;
    s->naliases = str_list(L, ytree_get(root, "aliases"), "aliases", &s->aliases, NULL);
    s->triggers =
        parse_rules(L, ytree_get(root, "triggers"), "'triggers'", RK_TRIGGER, &s->ntriggers);
    s->rules = parse_rules(L, ytree_get(root, "rules"), "'rules'", RK_STEP, &s->nrules);
    s->fallback = get_text(L, ytree_get(root, "fallback"), "fallback");
    const ynode *steps = ytree_get(root, "steps");
    s->start = -1;
    if (!steps)
        err(L, root, "a skill needs 'steps:', with one named 'start'");
    else if (want(L, steps, YN_MAP, "'steps'")) {
        s->steps = ar_alloc(L->a, (steps->n / 2 + 1) * sizeof *s->steps);
        for (size_t i = 0; i + 1 < steps->n; i += 2) {
            step *st = &s->steps[s->nsteps++];
            st->id = steps->items[i]->str;
            st->pos = at(L, steps->items[i]);
            if (!valid_id(st->id))
                err(L, steps->items[i],
                    "step name '%.80s' may use only lowercase letters, digits and -", st->id);
            parse_step(L, steps->items[i + 1], st);
            if (!strcmp(st->id, "start"))
                s->start = s->nsteps - 1;
        }
        if (s->start < 0)
            err(L, steps, "a skill needs a step named 'start', where it begins");
        if (s->nsteps > 10000)
            err(L, steps, "a skill may have at most 10000 steps");
    }
    if (!s->id || !s->title || !s->module || !s->summary)
        return;
    if (e->nskills >= 10000) {
        err(L, root, "at most 10000 skills can be loaded");
        return;
    }
    for (int i = 0; i < e->nskills; i++)
        if (!strcmp(e->skills[i].id, s->id)) {
            err(L, ytree_get(root, "id"), "duplicate skill id '%s' (also in %s:%d)", s->id,
                e->skills[i].file, e->skills[i].pos.line);
            return;
        }
    e->nskills++;
}

static void parse_coach(loader *L, const ynode *root)
{
    static const char *const keys[] = {"greeting",    "scope",    "commands", "routes", "fallback",
                                       "after_skill", "too_long", "empty",    NULL};
    static const char *const ckeys[] = {"command", "match", "examples", "say", "idle", NULL};
    static const char *const names[CMD__COUNT] = {"help", "menu",   "back",    "skip",     "stop",
                                                  "quit", "crisis", "explain", "practice", "about"};
    coach *c = &L->e->coach;
    c->file = L->file;
    if (!want(L, root, YN_MAP, "coach.yaml"))
        return;
    check_keys(L, root, "coach.yaml", keys);
    c->greeting = get_text(L, ytree_get(root, "greeting"), "greeting");
    if (!c->greeting.n)
        err(L, root, "coach.yaml needs 'greeting:'");
    c->scope = need_str(L, root, "scope", "coach.yaml");
    c->fallback = get_text(L, ytree_get(root, "fallback"), "fallback");
    if (!c->fallback.n)
        err(L, root, "coach.yaml needs 'fallback:'");
    c->after_skill = get_text(L, ytree_get(root, "after_skill"), "after_skill");
    c->too_long = get_text(L, ytree_get(root, "too_long"), "too_long");
    if (!c->too_long.n)
        err(L, root, "coach.yaml needs 'too_long:' (what to say to a message too long to take)");
    c->empty = get_text(L, ytree_get(root, "empty"), "empty");
    c->routes = parse_rules(L, ytree_get(root, "routes"), "'routes'", RK_COACH, &c->nroutes);
    const ynode *cmds = ytree_get(root, "commands");
    if (!cmds || !want(L, cmds, YN_SEQ, "'commands'"))
        return;
    c->commands = ar_alloc(L->a, (cmds->n + 1) * sizeof *c->commands);
    for (size_t i = 0; i < cmds->n; i++) {
        const ynode *n = cmds->items[i];
        if (!want(L, n, YN_MAP, "a command") || !check_keys(L, n, "a command", ckeys))
            continue;
        const char *name = need_str(L, n, "command", "a command");
        if (!name)
            continue;
        int k = -1;
        for (int j = 0; j < CMD__COUNT; j++)
            if (!strcmp(names[j], name))
                k = j;
        if (k < 0) {
            err(L, ytree_get(n, "command"),
                "unknown command '%.80s' (help, menu, back, skip, stop, quit, crisis, explain, "
                "practice, about)",
                name);
            continue;
        }
        command *cmd = &c->commands[c->ncommands++];
        cmd->kind = (cmd_kind)k;
        cmd->r.pos = at(L, n);
        cmd->r.tskill = cmd->r.tstep = -1;
        const ynode *m = ytree_get(n, "match");
        if (!m) {
            err(L, n, "a command needs 'match:'");
            continue;
        }
        pattern *p = compile(L, m);
        if (p) {
            cmd->r.pats = ar_alloc(L->a, sizeof(pattern *));
            cmd->r.pats[cmd->r.npats++] = p;
            if ((k == CMD_EXPLAIN || k == CMD_PRACTICE) && pat_group_number(p, "name") < 0)
                err(L, m, "the '%s' command's pattern needs a named capture (?<name>...)", name);
        }
        cmd->r.nexamples =
            str_list(L, ytree_get(n, "examples"), "examples", &cmd->r.examples, &cmd->r.ex_pos);
        cmd->r.say = get_text(L, ytree_get(n, "say"), "say");
        cmd->idle = get_text(L, ytree_get(n, "idle"), "idle");
    }
}

static const char *const category_ids[] = {"suicide-plan",     "medical",         "suicide",
                                           "suicide-indirect", "self-harm",       "abuse",
                                           "harm-others",      "eating-disorder", NULL};

static void parse_crisis(loader *L, const ynode *root)
{
    static const char *const keys[] = {"idioms", "categories", "followup", NULL};
    static const char *const catkeys[] = {"id", "patterns", "say", NULL};
    static const char *const fkeys[] = {"say", "choices", "rules", "fallback", NULL};
    crisis *c = &L->e->crisis;
    c->file = L->file;
    if (!want(L, root, YN_MAP, "crisis.yaml"))
        return;
    check_keys(L, root, "crisis.yaml", keys);
    c->idioms = parse_rules(L, ytree_get(root, "idioms"), "'idioms'", RK_PATTERN_ONLY, &c->nidioms);
    const ynode *cats = ytree_get(root, "categories");
    if (!cats) {
        err(L, root, "crisis.yaml needs 'categories:'");
        return;
    }
    if (want(L, cats, YN_SEQ, "'categories'")) {
        c->cats = ar_alloc(L->a, (cats->n + 1) * sizeof *c->cats);
        for (size_t i = 0; i < cats->n; i++) {
            const ynode *n = cats->items[i];
            if (!want(L, n, YN_MAP, "a category") ||
                !check_keys(L, n, "a crisis category", catkeys))
                continue;
            crisis_cat *cat = &c->cats[c->ncats];
            cat->pos = at(L, n);
            cat->id = need_str(L, n, "id", "a crisis category");
            if (!cat->id)
                continue;
            bool known = false;
            for (const char *const *k = category_ids; *k; k++)
                known |= !strcmp(*k, cat->id);
            if (!known)
                err(L, ytree_get(n, "id"),
                    "unknown crisis category '%.80s' (suicide-plan, medical, suicide, "
                    "suicide-indirect, self-harm, abuse, harm-others, eating-disorder)",
                    cat->id);
            for (int j = 0; j < c->ncats; j++)
                if (!strcmp(c->cats[j].id, cat->id))
                    err(L, ytree_get(n, "id"), "duplicate crisis category '%s'", cat->id);
            cat->pats = parse_rules(L, ytree_get(n, "patterns"), "'patterns'", RK_PATTERN_ONLY,
                                    &cat->npats);
            if (!cat->npats)
                err(L, n, "crisis category '%s' needs 'patterns:'", cat->id);
            cat->say = get_text(L, ytree_get(n, "say"), "say");
            if (!cat->say.n)
                err(L, n, "crisis category '%s' needs 'say:'", cat->id);
            c->ncats++;
        }
    }
    const ynode *f = ytree_get(root, "followup");
    step *st = &c->followup;
    st->id = "followup";
    st->skip_step = -1;
    if (f && want(L, f, YN_MAP, "'followup'") && check_keys(L, f, "'followup'", fkeys)) {
        st->pos = at(L, f);
        st->say = get_text(L, ytree_get(f, "say"), "say");
        st->nchoices = str_list(L, ytree_get(f, "choices"), "choices", &st->choices, NULL);
        st->rules = parse_rules(L, ytree_get(f, "rules"), "'rules'", RK_COACH, &st->nrules);
        st->fallback = get_text(L, ytree_get(f, "fallback"), "fallback");
    }
}

/* A real calendar date written YYYY-MM-DD, from 2000 on. */
static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = (int)strtol(s, NULL, 10), m = (int)strtol(s + 5, NULL, 10),
        d = (int)strtol(s + 8, NULL, 10);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static void parse_hotlines(loader *L, const ynode *root)
{
    static const char *const keys[] = {"fallback", "regions", NULL};
    static const char *const rkeys[] = {"region", "name", "emergency", "services", NULL};
    static const char *const skeys[] = {"name",  "for",    "call",     "text", "chat",
                                        "hours", "source", "verified", NULL};
    dbt_engine *e = L->e;
    if (!want(L, root, YN_MAP, "hotlines.yaml"))
        return;
    check_keys(L, root, "hotlines.yaml", keys);
    const char *fb = need_str(L, root, "fallback", "hotlines.yaml");
    const ynode *regs = ytree_get(root, "regions");
    if (!regs) {
        err(L, root, "hotlines.yaml needs 'regions:'");
        return;
    }
    if (!want(L, regs, YN_SEQ, "'regions'"))
        return;
    e->regions = ar_alloc(L->a, (regs->n + 1) * sizeof *e->regions);
    for (size_t i = 0; i < regs->n; i++) {
        const ynode *n = regs->items[i];
        if (!want(L, n, YN_MAP, "a region") || !check_keys(L, n, "a region", rkeys))
            continue;
        hotline_region *r = &e->regions[e->nregions];
        r->pos = at(L, n);
        r->code = need_str(L, n, "region", "a region");
        r->name = need_str(L, n, "name", "a region");
        r->emergency = need_str(L, n, "emergency", "a region");
        const ynode *svcs = ytree_get(n, "services");
        if (!svcs) {
            err(L, n, "region '%s' needs 'services:'", r->code ? r->code : "?");
            continue;
        }
        if (!r->code || !r->name || !r->emergency || !want(L, svcs, YN_SEQ, "'services'"))
            continue;
        for (int j = 0; j < e->nregions; j++)
            if (!strcasecmp(e->regions[j].code, r->code))
                err(L, ytree_get(n, "region"), "duplicate region '%s'", r->code);
        r->services = ar_alloc(L->a, (svcs->n + 1) * sizeof *r->services);
        for (size_t k = 0; k < svcs->n; k++) {
            const ynode *sn = svcs->items[k];
            if (!want(L, sn, YN_MAP, "a service") || !check_keys(L, sn, "a service", skeys))
                continue;
            service *sv = &r->services[r->nservices++];
            sv->name = need_str(L, sn, "name", "a service");
            sv->hours = need_str(L, sn, "hours", "a service");
            sv->source = need_str(L, sn, "source", "a service");
            sv->verified = need_str(L, sn, "verified", "a service");
            if (sv->verified && !valid_date(sv->verified))
                err(L, ytree_get(sn, "verified"), "'verified' must be a date like 2026-11-26");
            static const char *const lists[] = {"call", "text", "for"};
            for (int q = 0; q < 3; q++)
                if (!ytree_get(sn, lists[q]))
                    err(L, sn, "a service needs '%s:' (write [] when there is none)", lists[q]);
            sv->ncall = str_list(L, ytree_get(sn, "call"), "call", &sv->call, NULL);
            sv->ntext = str_list(L, ytree_get(sn, "text"), "text", &sv->text, NULL);
            sv->nchat = str_list(L, ytree_get(sn, "chat"), "chat", &sv->chat, NULL);
            sv->nfor = str_list(L, ytree_get(sn, "for"), "for", &sv->for_, NULL);
            if (!sv->ncall && !sv->ntext && !sv->nchat)
                err(L, sn, "a service needs at least one number to call, text option or chat");
            for (int q = 0; q < sv->nfor; q++) {
                bool known = !strcmp(sv->for_[q], "all");
                for (const char *const *cid = category_ids; *cid; cid++)
                    known |= !strcmp(*cid, sv->for_[q]);
                if (!known)
                    err(L, ytree_get(sn, "for"), "unknown crisis category '%.80s' in 'for'",
                        sv->for_[q]);
            }
        }
        if (!r->nservices)
            err(L, svcs, "region '%s' has no services", r->code);
        e->nregions++;
    }
    e->fallback_region = -1;
    if (fb) {
        e->fallback_region = model_find_region(e, fb);
        if (e->fallback_region < 0)
            err(L, ytree_get(root, "fallback"), "fallback region '%s' is not in 'regions'", fb);
    }
}

/* Read a whole file (at most YTREE_MAX_FILE bytes) into the arena. */
static char *slurp(loader *L, const char *path, size_t *len)
{
    srcpos p = {L->file, 0, 0};
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP)
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "cannot read: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "not a regular file");
        close(fd);
        return NULL;
    }
    if (st.st_size > YTREE_MAX_FILE) {
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "file too large (%lld bytes; the limit is %d)",
                    (long long)st.st_size, YTREE_MAX_FILE);
        close(fd);
        return NULL;
    }
    /* Straight into the arena; with the arena's jump held back, so that the
     * file is closed whatever happens. */
    jmp_buf *saved = L->a->oom;
    L->a->oom = NULL;
    char *buf = ar_alloc(L->a, (size_t)st.st_size + 1);
    L->a->oom = saved;
    if (!buf) {
        close(fd);
        longjmp(L->oom, 1);
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    char *copy = buf;
    *len = got;
    return copy;
}

typedef enum { FILE_SKILL, FILE_COACH, FILE_CRISIS, FILE_HOTLINES } file_kind;

static void load_file(loader *L, const char *path, const char *shown, file_kind kind)
{
    L->file = ar_strdup(L->a, shown);
    size_t len = 0;
    char *buf = slurp(L, path, &len);
    if (!buf)
        return;
    char msg[512];
    int line, col;
    ynode *root = ytree_parse(L->a, buf, len, msg, sizeof msg, &line, &col);
    if (!root) {
        srcpos p = {L->file, line ? line : 1, col ? col : 1};
        if (!strcmp(msg, "out of memory"))
            longjmp(L->oom, 1);
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s", msg[0] ? msg : "the file is empty");
        return;
    }
    switch (kind) {
    case FILE_SKILL: parse_skill(L, root); break;
    case FILE_COACH: parse_coach(L, root); break;
    case FILE_CRISIS: parse_crisis(L, root); break;
    case FILE_HOTLINES: parse_hotlines(L, root); break;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_yaml(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Collect skill files below `dir` (sorted, so loads are deterministic).
 * Linked folders are followed, but none is entered twice, so a link loop
 * ends at once. */
static void find_skills(loader *L, const char *dir, const char *shown, int depth, bool top)
{
    srcpos p = {ar_strdup(L->a, shown), 0, 0};
    if (depth > 8) {
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "folders nested too deeply");
        return;
    }
    struct stat dst;
    if (stat(dir, &dst) == 0) {
        for (int i = 0; i < L->nseen; i++)
            if (L->seen[i].dev == dst.st_dev && L->seen[i].ino == dst.st_ino) {
                diag_report(L->d, DBT_SEVERITY_WARNING, &p,
                            "this folder was already loaded (a link back to it); skipped");
                return;
            }
        if (L->nseen < 64) {
            L->seen[L->nseen].dev = dst.st_dev;
            L->seen[L->nseen].ino = dst.st_ino;
            L->nseen++;
        }
    }
    DIR *d = opendir(dir);
    if (!d) {
        diag_report(L->d, DBT_SEVERITY_ERROR, &p, "cannot open folder: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = mem_realloc(names, cap * sizeof *nn);
            if (!nn) {
                for (size_t i = 0; i < n; i++)
                    mem_free(names[i]);
                mem_free(names);
                closedir(d);
                longjmp(L->oom, 1);
            }
            names = nn;
        }
        names[n] = mem_strndup(de->d_name, strlen(de->d_name));
        if (!names[n]) {
            for (size_t i = 0; i < n; i++)
                mem_free(names[i]);
            mem_free(names);
            closedir(d);
            longjmp(L->oom, 1);
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    /* Copy into the arena so a jump out of memory frees nothing twice. */
    jmp_buf *saved = L->a->oom;
    L->a->oom = NULL;
    char **copy = n ? ar_alloc(L->a, n * sizeof *copy) : NULL;
    bool oom = n && !copy;
    for (size_t i = 0; i < n; i++) {
        if (oom) {
            mem_free(names[i]);
            continue;
        }
        copy[i] = ar_strdup(L->a, names[i]);
        oom |= !copy[i];
        mem_free(names[i]);
    }
    mem_free(names);
    L->a->oom = saved;
    if (oom)
        longjmp(L->oom, 1);
    for (size_t i = 0; i < n; i++) {
        const char *name = copy[i];
        if (top && (!strcmp(name, "coach.yaml") || !strcmp(name, "crisis.yaml") ||
                    !strcmp(name, "hotlines.yaml")))
            continue;
        size_t pl = strlen(dir) + strlen(name) + 2, sl = strlen(shown) + strlen(name) + 2;
        char *path = ar_alloc(L->a, pl), *sh = ar_alloc(L->a, sl);
        snprintf(path, pl, "%s/%s", dir, name);
        snprintf(sh, sl, "%s/%s", shown, name);
        struct stat st;
        if (stat(path, &st) < 0) {
            srcpos fp = {sh, 0, 0};
            diag_report(L->d, DBT_SEVERITY_ERROR, &fp, "cannot read: %s", strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode))
            find_skills(L, path, sh, depth + 1, false);
        else if (is_yaml(name) && S_ISREG(st.st_mode)) {
            dbt_engine *e = L->e;
            if (e->nskills % 64 == 0) {
                skill *ns = ar_alloc(L->a, ((size_t)e->nskills + 64) * sizeof *ns);
                if (e->nskills)
                    memcpy(ns, e->skills, (size_t)e->nskills * sizeof *ns);
                e->skills = ns;
            }
            load_file(L, path, sh, FILE_SKILL);
        }
    }
}

/* Resolve a rule's target: a step of skill `own`, or skill[@step]. */
static void resolve_rule(loader *L, rule *r, int own)
{
    dbt_engine *e = L->e;
    srcpos p = r->target_pos;
    if (r->act == ACT_GOTO) {
        if (own < 0 || !r->target)
            return;
        r->tskill = own;
        r->tstep = model_find_step(&e->skills[own], r->target);
        if (r->tstep < 0)
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "goto: no step '%s' in skill '%s'", r->target,
                        e->skills[own].id);
    } else if (r->act == ACT_START || r->act == ACT_CALL) {
        if (!r->target)
            return;
        const char *at_ = strchr(r->target, '@');
        size_t n = at_ ? (size_t)(at_ - r->target) : strlen(r->target);
        char id[128];
        snprintf(id, sizeof id, "%.*s", (int)(n < 127 ? n : 127), r->target);
        r->tskill = model_find_skill(e, id);
        if (r->tskill < 0) {
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "%s: no skill '%s'",
                        r->act == ACT_START ? "start" : "call", id);
            return;
        }
        const skill *s = &e->skills[r->tskill];
        r->tstep = at_ ? model_find_step(s, at_ + 1) : s->start;
        if (r->tstep < 0)
            diag_report(L->d, DBT_SEVERITY_ERROR, &p, "no step '%s' in skill '%s'", at_ + 1, s->id);
    }
}

/* Is `name` set by some rule of `rules`? */
static bool sets_var(const rule *rules, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < rules[i].nsets; k++)
            if (!strcmp(rules[i].sets[k].var, name))
                return true;
    return false;
}

static bool engine_sets(const dbt_engine *e, const char *name)
{
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        if (sets_var(s->rules, s->nrules, name))
            return true;
        for (int j = 0; j < s->nsteps; j++)
            if (sets_var(s->steps[j].rules, s->steps[j].nrules, name))
                return true;
    }
    return sets_var(e->coach.routes, e->coach.nroutes, name) ||
           sets_var(e->crisis.followup.rules, e->crisis.followup.nrules, name);
}

/* A bare word on the right of a comparison is a variable when some rule
 * sets a variable of that name (or the rule's pattern captures it), and a
 * literal otherwise: `safe == yes` compares with the word "yes", while
 * `urge_after < urge_before` fails when urge_before was never set. */
static void resolve_cond(const dbt_engine *e, cond *c, const rule *r)
{
    for (int i = 0; c && i < c->n; i++) {
        cond_term *t = &c->t[i];
        if (!t->rhs || !t->rhs_word)
            continue;
        bool capture = false;
        for (int k = 0; r && k < r->npats && !capture; k++)
            capture = pat_group_number(r->pats[k], t->rhs) > 0;
        t->rhs_var = capture || engine_sets(e, t->rhs);
    }
}

static void resolve_rule_conds(const dbt_engine *e, rule *rules, int n)
{
    for (int i = 0; i < n; i++)
        resolve_cond(e, rules[i].cond, &rules[i]);
}

static void resolve_conds(dbt_engine *e)
{
    for (int i = 0; i < e->nskills; i++) {
        skill *s = &e->skills[i];
        resolve_rule_conds(e, s->rules, s->nrules);
        for (int j = 0; j < s->nsteps; j++) {
            resolve_rule_conds(e, s->steps[j].rules, s->steps[j].nrules);
            for (int b = 0; b < s->steps[j].nbranches; b++)
                resolve_cond(e, s->steps[j].branches[b].cond, NULL);
        }
    }
    resolve_rule_conds(e, e->coach.routes, e->coach.nroutes);
    resolve_rule_conds(e, e->crisis.followup.rules, e->crisis.followup.nrules);
}

static void resolve(loader *L)
{
    resolve_conds(L->e);
    dbt_engine *e = L->e;
    for (int i = 0; i < e->nskills; i++) {
        skill *s = &e->skills[i];
        for (int j = 0; j < s->nsteps; j++) {
            step *st = &s->steps[j];
            for (int k = 0; k < st->nrules; k++)
                resolve_rule(L, &st->rules[k], i);
            for (int k = 0; k < st->nbranches; k++) {
                branch *b = &st->branches[k];
                if (!b->target)
                    continue;
                b->tstep = model_find_step(s, b->target);
                if (b->tstep < 0)
                    diag_report(L->d, DBT_SEVERITY_ERROR, &b->pos,
                                "goto: no step '%s' in skill '%s'", b->target, s->id);
            }
            if (st->skip) {
                st->skip_step = model_find_step(s, st->skip);
                if (st->skip_step < 0)
                    diag_report(L->d, DBT_SEVERITY_ERROR, &st->skip_pos,
                                "skip: no step '%s' in skill '%s'", st->skip, s->id);
            } else {
                for (int k = 0; k < st->nrules; k++)
                    if (st->rules[k].act == ACT_GOTO && !st->rules[k].cond) {
                        st->skip_step = st->rules[k].tstep;
                        break;
                    }
            }
        }
        for (int k = 0; k < s->nrules; k++)
            resolve_rule(L, &s->rules[k], i);
    }
    for (int k = 0; k < e->coach.nroutes; k++)
        resolve_rule(L, &e->coach.routes[k], -1);
    for (int k = 0; k < e->crisis.followup.nrules; k++)
        resolve_rule(L, &e->crisis.followup.rules[k], -1);
}

/* Index every rule list long enough to gain from it, the crisis screen and
 * the triggers of all skills. */
static void build_indexes(loader *L)
{
    dbt_engine *e = L->e;
    rx_builder b;
    for (int i = 0; i < e->nskills; i++) {
        skill *s = &e->skills[i];
        for (int j = 0; j < s->nsteps; j++) {
            b = (rx_builder){.a = L->a};
            rx_add(&b, s->steps[j].rules, s->steps[j].nrules, -1);
            s->steps[j].rx = rx_finish(&b, false);
        }
        b = (rx_builder){.a = L->a};
        rx_add(&b, s->rules, s->nrules, -1);
        s->rx = rx_finish(&b, false);
    }
    b = (rx_builder){.a = L->a};
    for (int i = 0; i < e->nskills; i++)
        rx_add(&b, e->skills[i].triggers, e->skills[i].ntriggers, i);
    e->triggers = rx_finish(&b, true);
    b = (rx_builder){.a = L->a};
    rx_add(&b, e->coach.routes, e->coach.nroutes, -1);
    e->coach.routes_rx = rx_finish(&b, false);
    b = (rx_builder){.a = L->a};
    for (int c = 0; c < e->crisis.ncats; c++)
        rx_add(&b, e->crisis.cats[c].pats, e->crisis.cats[c].npats, c);
    e->crisis.rx = rx_finish(&b, true);
    b = (rx_builder){.a = L->a};
    rx_add(&b, e->crisis.followup.rules, e->crisis.followup.nrules, -1);
    e->crisis.followup.rx = rx_finish(&b, false);
}

static void free_engine_parts(dbt_engine *e)
{
    pcre2_match_context_free(e->mctx);
    for (int i = 0; i < e->npatterns; i++)
        pat_free(e->all_patterns[i]);
    mem_free(e->all_patterns);
    ar_free(&e->ar);
}

static dbt_engine *load(const char *dir, int flags, diagsink *d)
{
    dbt_engine *e = mem_alloc(sizeof *e);
    if (!e) {
        d->nerrors++;
        d->first.status = DBT_ERR_NOMEM;
        snprintf(d->first.message, sizeof d->first.message, "out of memory");
        return NULL;
    }
    memset(e, 0, sizeof *e);
    loader L;
    memset(&L, 0, sizeof L);
    L.e = e;
    L.a = &e->ar;
    L.d = d;
    L.no_jit = flags & DBT_LOAD_NO_JIT;
    e->ar.oom = &L.oom;
    if (setjmp(L.oom)) {
        free_engine_parts(e);
        mem_free(e);
        dbt_error nomem = {.status = DBT_ERR_NOMEM};
        snprintf(nomem.message, sizeof nomem.message, "out of memory while loading scripts");
        d->first = nomem;
        d->nerrors++;
        if (d->fn)
            d->fn(d->user, DBT_SEVERITY_ERROR, &nomem);
        return NULL;
    }
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        srcpos p = {ar_strdup(L.a, dir), 0, 0};
        diag_report(d, DBT_SEVERITY_ERROR, &p, "not a folder of skill scripts: %s",
                    stat(dir, &st) < 0 ? strerror(errno) : "not a folder");
        d->first.status = DBT_ERR_IO;
        free_engine_parts(e);
        mem_free(e);
        return NULL;
    }
    static const struct {
        const char *name;
        file_kind kind;
    } tops[] = {
        {"hotlines.yaml", FILE_HOTLINES}, {"crisis.yaml", FILE_CRISIS}, {"coach.yaml", FILE_COACH}};
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        size_t pl = strlen(dir) + strlen(tops[i].name) + 2;
        char *path = ar_alloc(L.a, pl);
        snprintf(path, pl, "%s/%s", dir, tops[i].name);
        L.file = path;
        load_file(&L, path, path, tops[i].kind);
    }
    find_skills(&L, dir, dir, 0, true);
    if (e->nskills == 0 && d->nerrors == 0) {
        srcpos p = {ar_strdup(L.a, dir), 0, 0};
        diag_report(d, DBT_SEVERITY_ERROR, &p, "no skill scripts found");
    }
    resolve(&L);
    if (d->nerrors == 0) {
        build_indexes(&L);
        build_names(&L);
        e->mctx = pat_context_new();
        if (!e->mctx)
            longjmp(L.oom, 1);
    }
    if (d->nerrors == 0 && (flags & DBT_LOAD_CHECKS))
        check_engine(e, d);
    e->ar.oom = NULL;
    if (d->nerrors) {
        free_engine_parts(e);
        mem_free(e);
        return NULL;
    }
    return e;
}

dbt_engine *dbt_engine_load_checked(const char *skills_dir, int flags, dbt_diag_fn diag, void *user,
                                    dbt_error *err_out)
{
    diagsink d;
    memset(&d, 0, sizeof d);
    d.fn = diag;
    d.user = user;
    if (!skills_dir) {
        if (err_out) {
            memset(err_out, 0, sizeof *err_out);
            err_out->status = DBT_ERR_ARG;
            snprintf(err_out->message, sizeof err_out->message, "no skills folder given");
        }
        return NULL;
    }
    dbt_engine *e = load(skills_dir, flags, &d);
    if (err_out) {
        if (e)
            memset(err_out, 0, sizeof *err_out);
        else
            *err_out = d.first;
    }
    return e;
}

dbt_engine *dbt_engine_load(const char *skills_dir, dbt_error *err_out)
{
    return dbt_engine_load_checked(skills_dir, 0, NULL, NULL, err_out);
}

void dbt_engine_free(dbt_engine *e)
{
    if (!e)
        return;
    free_engine_parts(e);
    mem_free(e);
}

int model_find_skill(const dbt_engine *e, const char *id)
{
    for (int i = 0; i < e->nskills; i++)
        if (!strcmp(e->skills[i].id, id))
            return i;
    return -1;
}

int model_find_step(const skill *s, const char *id)
{
    for (int i = 0; i < s->nsteps; i++)
        if (!strcmp(s->steps[i].id, id))
            return i;
    return -1;
}

int model_find_region(const dbt_engine *e, const char *code)
{
    for (int i = 0; i < e->nregions; i++)
        if (!strcasecmp(e->regions[i].code, code))
            return i;
    return -1;
}

/* Find a skill whose id, title or alias folds to `f`. */
static int skill_by_folded(const dbt_engine *e, const char *f, size_t n)
{
    for (int i = 0; n && i < e->nnames; i++)
        if (e->names[i].len == n && !memcmp(e->names[i].folded, f, n))
            return e->names[i].skill;
    return -1;
}

int model_skill_by_name(const dbt_engine *e, const char *name, size_t len)
{
    /* A name is short: anything much longer than the longest is no name. */
    char buf[256] = "";
    if (len > e->max_name * 3 + 32 || len >= sizeof buf)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isalnum(c))
            buf[n++] = (char)tolower(c);
        else if (c >= 0x80)
            buf[n++] = (char)c;
    }
    /* As said; then without a leading "the"; then without a trailing
     * "skill" or "skills" ("the STOP skill", "what skills"). */
    const char *s = buf;
    int found = skill_by_folded(e, s, n);
    if (found < 0 && n > 3 && !strncmp(s, "the", 3)) {
        s += 3;
        n -= 3;
        found = skill_by_folded(e, s, n);
    }
    for (size_t cut = 6; found < 0 && cut >= 5; cut--)
        if (n > cut && !strncmp(s + n - cut, "skills", cut))
            found = skill_by_folded(e, s, n - cut);
    return found;
}

/* Fold every skill's names once, for model_skill_by_name. */
static void build_names(loader *L)
{
    dbt_engine *e = L->e;
    int total = 0;
    for (int i = 0; i < e->nskills; i++)
        total += 2 + e->skills[i].naliases;
    e->names = ar_alloc(L->a, ((size_t)total + 1) * sizeof *e->names);
    strbuf f;
    sb_init(&f);
    for (int i = 0; i < e->nskills; i++) {
        const skill *s = &e->skills[i];
        for (int k = -2; k < s->naliases; k++) {
            const char *nm = k == -2 ? s->id : k == -1 ? s->title : s->aliases[k];
            sb_clear(&f);
            text_fold_name(nm, strlen(nm), &f);
            if (f.oom) {
                sb_free(&f);
                longjmp(L->oom, 1);
            }
            if (!f.len)
                continue;
            struct skill_name *sn = &e->names[e->nnames++];
            sn->folded = ar_strndup(L->a, f.s, f.len);
            sn->len = f.len;
            sn->skill = i;
            if (f.len > e->max_name)
                e->max_name = f.len;
        }
    }
    sb_free(&f);
}

size_t dbt_engine_skill_count(const dbt_engine *e) { return e ? (size_t)e->nskills : 0; }

int dbt_engine_skill_info(const dbt_engine *e, size_t i, dbt_skill_info *out)
{
    if (!e || !out || i >= (size_t)e->nskills)
        return -1;
    const skill *s = &e->skills[i];
    out->id = s->id;
    out->title = s->title;
    out->module = s->module;
    out->summary = s->summary;
    out->file = s->file;
    return 0;
}

const char *dbt_engine_region(const dbt_engine *e, size_t i)
{
    return e && i < (size_t)e->nregions ? e->regions[i].code : NULL;
}
