/*
 * check.c - `dbtcoach check`: every load error and the static checks, each
 * as file:line:col: severity: message, the source line and a caret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "cli.h"

static bool isatty_stderr(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(STDERR_FILENO) && !(nc && *nc);
}

/* Copy line `line` (1-based) of `path` into `buf`; false when unreadable. */
static bool source_line(const char *path, int line, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    int n = 1;
    bool ok = false;
    while (fgets(buf, (int)size, f)) {
        size_t len = strlen(buf);
        bool whole = len && buf[len - 1] == '\n';
        if (n == line) {
            if (whole)
                buf[len - 1] = '\0';
            ok = true;
            break;
        }
        if (whole)
            n++;
    }
    fclose(f);
    return ok;
}

void cli_print_diag(FILE *out, int severity, const dbt_error *e, bool color)
{
    const char *sev = severity == DBT_SEVERITY_ERROR ? "error" : "warning";
    const char *c = color ? (severity == DBT_SEVERITY_ERROR ? "\033[1;31m" : "\033[1;35m") : "";
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    if (e->file[0] && e->line > 0)
        fprintf(out, "%s%s:%d:%d:%s %s%s:%s %s\n", bold, e->file, e->line, e->column, reset, c, sev,
                reset, e->message);
    else if (e->file[0])
        fprintf(out, "%s%s:%s %s%s:%s %s\n", bold, e->file, reset, c, sev, reset, e->message);
    else
        fprintf(out, "dbtcoach: %s%s:%s %s\n", c, sev, reset, e->message);
    char line[1024];
    if (e->file[0] && e->line > 0 && source_line(e->file, e->line, line, sizeof line)) {
        fprintf(out, "  %s\n  ", line);
        /* Keep tabs so the caret lines up under the column. */
        for (int i = 0; i < e->column - 1 && line[i]; i++)
            fputc(line[i] == '\t' ? '\t' : ' ', out);
        fprintf(out, "%s^%s\n", color ? "\033[1;32m" : "", reset);
    }
}

typedef struct diag_ctx {
    bool color;
    bool werror;
    int errors, warnings;
} diag_ctx;

static void on_diag(void *user, int severity, const dbt_error *e)
{
    diag_ctx *d = user;
    if (severity == DBT_SEVERITY_WARNING && d->werror)
        severity = DBT_SEVERITY_ERROR;
    if (severity == DBT_SEVERITY_ERROR)
        d->errors++;
    else
        d->warnings++;
    cli_print_diag(stderr, severity, e, d->color);
}

dbt_engine *cli_load(const char *dir, bool checks, bool werror, int *nerr, int *nwarn)
{
    diag_ctx d = {.color = isatty_stderr(), .werror = werror};
    dbt_error err;
    /* Under a memory checker, PCRE2's JIT code looks like it misbehaves. */
    const char *nojit = getenv("DBTCOACH_NO_JIT");
    int flags = (checks ? DBT_LOAD_CHECKS : 0) | (nojit && *nojit ? DBT_LOAD_NO_JIT : 0);
    dbt_engine *e = dbt_engine_load_checked(dir, flags, on_diag, &d, &err);
    if (!e && d.errors == 0) {
        cli_print_diag(stderr, DBT_SEVERITY_ERROR, &err, d.color);
        d.errors++;
    }
    if (nerr)
        *nerr = d.errors;
    if (nwarn)
        *nwarn = d.warnings;
    return e;
}

int check_main(int argc, char **argv, const cli_opts *o)
{
    bool werror = false;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--werror"))
            werror = true;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "dbtcoach check: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (!dir)
            dir = argv[i];
        else {
            fprintf(stderr, "dbtcoach check: give one skills folder\n");
            return 2;
        }
    }
    if (!dir)
        dir = o->skills;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "dbtcoach check: %s is not a folder of skill scripts\n", dir);
        return 2;
    }
    int errors = 0, warnings = 0;
    dbt_engine *e = cli_load(dir, true, werror, &errors, &warnings);
    if (e) {
        fprintf(stderr, "%s: %zu skills, %d error%s, %d warning%s\n", dir,
                dbt_engine_skill_count(e), errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s");
        dbt_engine_free(e);
    } else {
        fprintf(stderr, "%s: %d error%s, %d warning%s\n", dir, errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s");
    }
    if (errors)
        return 1;
    return 0;
}
