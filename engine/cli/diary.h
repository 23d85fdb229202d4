/*
 * diary.h - what diary.c (the diary) and plan.c (the kept safety plan) of
 * the dbtcoach command share.
 */
#ifndef DBT_CLI_DIARY_H
#define DBT_CLI_DIARY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "store.h"

/* Open the store in the person's data folder (see store_dir); with
 * `create`, make it. Says what went wrong on `err`; NULL then. */
store *diary_open_store(const cli_opts *o, bool create, FILE *err);
/* Ask a yes/no question (the answer may be piped in); true for yes. */
bool diary_confirm(const char *question);
/* Text from the store without control characters, or HTML-escaped. */
void diary_put_plain(FILE *f, const char *s);
void diary_html_text(FILE *f, const char *s);
/* The start of a self-contained, printable page; a printf format with one
 * %s, the title. */
extern const char *const diary_html_head;
/* FILE, or stdout for NULL or "-"; and closing it (0 on success). */
FILE *diary_open_out(const char *file);
int diary_close_out(FILE *f, const char *file);

/* The kept plan, or NULL when there is none; and the plan as text. */
json_t *diary_load_plan(const cli_opts *o, FILE *err);
void diary_plan_text(json_t *p, FILE *f);

#endif
