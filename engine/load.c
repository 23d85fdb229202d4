/*
 * load.c - a folder of skill scripts into an engine: finds and reads the
 * files, hands each document to its loader, then resolves names and builds
 * the indexes. It runs no checks and no turns.
 *
 * The loader reports every error it can find, each with its file, line and
 * column, and fails the whole load if there was any: a half-loaded coach is
 * worse than none.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "load.h"
#include "loader.h"

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

typedef enum {
    FILE_SKILL,
    FILE_COACH,
    FILE_CRISIS,
    FILE_CRISIS_LANG,
    FILE_HOTLINES,
    FILE_WORDS,
    FILE_CONCEPTS
} file_kind;

static void load_file(loader *L, const char *path, const char *shown, file_kind kind,
                      const char *code)
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
    case FILE_SKILL: ld_skill(L, root); break;
    case FILE_COACH: ld_coach(L, root); break;
    case FILE_CRISIS: ld_crisis(L, root); break;
    case FILE_CRISIS_LANG: ld_crisis_lang(L, root, code); break;
    case FILE_HOTLINES: ld_hotlines(L, root); break;
    case FILE_WORDS: ld_words(L, root); break;
    case FILE_CONCEPTS: ld_concepts(L, root, false); break;
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

/* Is `name` a crisis screen in another language, crisis.LANG.yaml with a
 * two- or three-letter code? The code goes to `code`. */
static bool lang_file(const char *name, char code[8])
{
    size_t n = strlen(name);
    if (n < 14 || n > 15 || strncmp(name, "crisis.", 7) != 0 || strcmp(name + n - 5, ".yaml") != 0)
        return false;
    size_t k = n - 12;
    for (size_t i = 0; i < k; i++)
        if (name[7 + i] < 'a' || name[7 + i] > 'z')
            return false;
    memcpy(code, name + 7, k);
    code[k] = '\0';
    return true;
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
                    !strcmp(name, "hotlines.yaml") || !strcmp(name, "words.yaml") ||
                    !strcmp(name, "concepts.yaml")))
            continue;
        size_t pl = strlen(dir) + strlen(name) + 2, sl = strlen(shown) + strlen(name) + 2;
        char *path = ar_alloc(L->a, pl), *sh = ar_alloc(L->a, sl);
        snprintf(path, pl, "%s/%s", dir, name);
        snprintf(sh, sl, "%s/%s", shown, name);
        char code[8];
        if (top && lang_file(name, code)) {
            load_file(L, path, sh, FILE_CRISIS_LANG, code);
            continue;
        }
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
            load_file(L, path, sh, FILE_SKILL, NULL);
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
    for (int l = 0; l < e->crisis.nlangs; l++)
        for (int k = 0; k < e->crisis.langs[l].followup.nrules; k++)
            resolve_rule(L, &e->crisis.langs[l].followup.rules[k], -1);
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
    for (int c = 0; c < e->crisis.ncats; c++) {
        rx_add(&b, e->crisis.cats[c].pats, e->crisis.cats[c].npats, c);
        for (int l = 0; l < e->crisis.nlangs; l++)
            rx_add(&b, e->crisis.langs[l].pats[c], e->crisis.langs[l].npats[c],
                   c + CRISIS_LANG_TAG * (l + 1));
    }
    e->crisis.rx = rx_finish(&b, true);
    for (int l = 0; l < e->crisis.nlangs; l++) {
        step *f = &e->crisis.langs[l].followup;
        b = (rx_builder){.a = L->a};
        rx_add(&b, f->rules, f->nrules, -1);
        f->rx = rx_finish(&b, false);
    }
    b = (rx_builder){.a = L->a};
    rx_add(&b, e->crisis.followup.rules, e->crisis.followup.nrules, -1);
    e->crisis.followup.rx = rx_finish(&b, false);
}

dbt_engine *load_engine(const char *dir, int flags, diagsink *d)
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
        ld_concepts_done(&L);
        model_free(e);
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
        model_free(e);
        return NULL;
    }
    static const struct {
        const char *name;
        file_kind kind;
    } tops[] = {{"concepts.yaml", FILE_CONCEPTS}, /* first: any pattern may use them */
                {"hotlines.yaml", FILE_HOTLINES},
                {"crisis.yaml", FILE_CRISIS},
                {"coach.yaml", FILE_COACH},
                {"words.yaml", FILE_WORDS}};
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        size_t pl = strlen(dir) + strlen(tops[i].name) + 2;
        char *path = ar_alloc(L.a, pl);
        snprintf(path, pl, "%s/%s", dir, tops[i].name);
        if ((tops[i].kind == FILE_WORDS || tops[i].kind == FILE_CONCEPTS) &&
            access(path, F_OK) != 0)
            continue; /* optional */
        L.file = path;
        load_file(&L, path, path, tops[i].kind, NULL);
    }
    find_skills(&L, dir, dir, 0, true);
    if (e->nskills == 0 && d->nerrors == 0) {
        srcpos p = {ar_strdup(L.a, dir), 0, 0};
        diag_report(d, DBT_SEVERITY_ERROR, &p, "no skill scripts found");
    }
    ld_concepts_done(&L);
    resolve(&L);
    if (d->nerrors == 0) {
        build_indexes(&L);
        if (!model_build_names(e) || !ld_build_normaliser(e))
            longjmp(L.oom, 1);
        e->mctx = pat_context_new();
        if (!e->mctx)
            longjmp(L.oom, 1);
    }
    e->ar.oom = NULL;
    if (d->nerrors) {
        model_free(e);
        return NULL;
    }
    return e;
}
