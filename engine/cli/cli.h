/*
 * cli.h - the pieces of the dbtcoach command.
 */
#ifndef DBT_CLI_H
#define DBT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "dbtcoach.h"

typedef struct cli_opts {
    const char *skills; /* the skills folder */
    const char *region; /* as chosen: flag, environment, locale; or NULL */
    bool color;         /* colour allowed (a terminal, no NO_COLOR, no --no-color) */
    bool history;       /* keep history on disk */
    const char *data;   /* --data: the diary's folder, or NULL */
} cli_opts;

/* The skills folder: --skills, $DBTCOACH_SKILLS, the source tree next to the
 * binary, or the installed data folder. */
const char *cli_skills_dir(const char *flag);
/* The region: --region, $DBTCOACH_REGION, the country of the locale. */
const char *cli_region(const char *flag);

/* Load the engine, printing every error as file:line:col with the source
 * line and a caret. Returns NULL on error. */
dbt_engine *cli_load(const char *dir, bool checks, bool werror, int *nerr, int *nwarn);
/* Print one diagnostic the way `check` does. */
void cli_print_diag(FILE *out, int severity, const dbt_error *e, bool color);

int repl_run(dbt_engine **e, const cli_opts *o);
int plain_run(dbt_engine *e, const cli_opts *o);
int jsonl_run(dbt_engine *e, const cli_opts *o);

/* The JSON-lines reader, one line at a time (for jsonl_run and the fuzzer):
 * replies go to `out`. `line` is `n` bytes and is modified. */
typedef struct jsonl jsonl;
jsonl *jsonl_new(dbt_engine *e, const cli_opts *o, FILE *out);
void jsonl_line(jsonl *j, char *line, size_t n, long lineno);
void jsonl_free(jsonl *j);
int test_main(int argc, char **argv, const cli_opts *o);
int check_main(int argc, char **argv, const cli_opts *o);
int graph_main(int argc, char **argv, const cli_opts *o);
/* `dbtcoach serve`: the protocol over HTTP (serve.c). */
int serve_main(int argc, char **argv, const cli_opts *o);

/* diary.c: `dbtcoach diary ...` and `dbtcoach plan ...`. */
int diary_main(int argc, char **argv, const cli_opts *o);
int plan_main(int argc, char **argv, const cli_opts *o);
/* In a conversation: give the session the kept plan; run "diary on", "diary
 * off", "diary show", "plan show" (true when `line` was one); keep the
 * record a reply carries when the person said so, saying what happened on
 * `out`. */
void diary_session_begin(const cli_opts *o, dbt_session *s);
bool diary_command(const cli_opts *o, const char *line, FILE *out);
void diary_after_turn(const cli_opts *o, dbt_session *s, const dbt_reply *r, FILE *out);

#endif
