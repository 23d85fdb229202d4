/*
 * diary.c - the person's private diary and safety plan, on the command's
 * side: `dbtcoach diary on|off|show|export|forget`, `dbtcoach plan
 * show|export|forget`, the same words in the REPL, and keeping the records
 * replies carry (dbt_reply.record) when the person has said so. The engine
 * never touches the disk; this file and store.c do.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "diary.h"
#include "store.h"

enum { DAY_SECONDS = 86400 };

/* ---- what a card holds ------------------------------------------------ */

typedef struct row {
    const char *label, *var;
    int max; /* 5 for ratings 0-5, 7 for the skills scale, 1 for yes/no */
} row;

static const row rows[] = {
    {"sadness", "emotion_sadness", 5},
    {"anger", "emotion_anger", 5},
    {"fear", "emotion_fear", 5},
    {"shame", "emotion_shame", 5},
    {"guilt", "emotion_guilt", 5},
    {"joy", "emotion_joy", 5},
    {"own emotion", "emotion_own", 5},
    {"urge: self-harm", "urge_self_harm", 5},
    {"urge: suicide", "urge_suicide", 5},
    {"urge: alcohol/drugs", "urge_substances", 5},
    {"did: self-harm", "acted_self_harm", 1},
    {"did: alcohol/drugs", "acted_substances", 1},
    {"skills used (0-7)", "skills_rating", 7},
};
enum { NROWS = sizeof rows / sizeof rows[0] };

/* A card's value for `r` as a number (-1: not filled in). */
static int value_of(json_t *answers, const row *r)
{
    const char *v = json_string_value(json_object_get(answers, r->var));
    if (!v || !*v)
        return -1;
    if (r->max == 1)
        return !strcmp(v, "yes") ? 1 : !strcmp(v, "no") ? 0 : -1;
    char *end;
    long n = strtol(v, &end, 10);
    return end == v || n < 0 || n > r->max ? -1 : (int)n;
}

static void day_of(time_t t, char *buf, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%d", &tm);
}

/* ---- opening the store ---------------------------------------------------- */

store *diary_open_store(const cli_opts *o, bool create, FILE *err)
{
    char dir[4096], msg[600];
    if (!store_dir(o->data, dir, sizeof dir)) {
        fprintf(err, "dbtcoach: no folder for the diary: set HOME, XDG_DATA_HOME or --data\n");
        return NULL;
    }
    store *st = store_open(dir, create, msg, sizeof msg);
    if (!st)
        fprintf(err, "dbtcoach: %s\n", msg);
    return st;
}

/* Ask a yes/no question on the terminal (or read the answer piped in). */
bool diary_confirm(const char *question)
{
    printf("%s [y/N] ", question);
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}

static const char *const what_kept =
    "The diary keeps your daily cards and each exercise you finish (the skill, your ratings "
    "before and after, your answers and the time) in %s, on this computer only, readable only "
    "by you.\n";

static int diary_on(const cli_opts *o, bool yes, FILE *out)
{
    char dir[4096], path[4200];
    if (!store_dir(o->data, dir, sizeof dir)) {
        fprintf(stderr, "dbtcoach: no folder for the diary: set HOME, XDG_DATA_HOME or --data\n");
        return 1;
    }
    snprintf(path, sizeof path, "%s/dbtcoach.db", dir);
    fprintf(out, what_kept, path);
    if (!yes && !diary_confirm("Turn the diary on?")) {
        fprintf(out, "The diary stays off; nothing was written.\n");
        return 1;
    }
    store *st = diary_open_store(o, true, stderr);
    if (!st)
        return 1;
    bool ok = store_set(st, "diary", "on");
    if (!ok)
        fprintf(stderr, "dbtcoach: %s\n", store_error(st));
    else
        fprintf(out, "The diary is on. \"diary off\" stops it; the command \"dbtcoach diary "
                     "forget\" deletes it.\n");
    store_close(st);
    return ok ? 0 : 1;
}

static int diary_off(const cli_opts *o, FILE *out)
{
    char dir[4096];
    if (!store_dir(o->data, dir, sizeof dir) || !store_exists(dir)) {
        fprintf(out, "The diary is off; nothing is kept.\n");
        return 0;
    }
    store *st = diary_open_store(o, false, stderr);
    if (!st)
        return 1;
    bool ok = store_set(st, "diary", "off");
    if (ok)
        fprintf(out, "The diary is off: nothing new is kept. What was kept stays until "
                     "the command \"dbtcoach diary forget\".\n");
    else
        fprintf(stderr, "dbtcoach: %s\n", store_error(st));
    store_close(st);
    return ok ? 0 : 1;
}

/* Everything kept from `days` days ago on, parsed; NULL when there is no
 * diary or it cannot be read (said on `err`). */
static json_t *load_days(const cli_opts *o, int days, time_t now, FILE *err)
{
    store *st = diary_open_store(o, false, err);
    if (!st)
        return NULL;
    char since[16];
    day_of(now - (time_t)(days - 1) * DAY_SECONDS, since, sizeof since);
    char *txt = store_export(st, since);
    if (!txt)
        fprintf(err, "dbtcoach: %s\n", store_error(st));
    store_close(st);
    json_t *all = txt ? json_loads(txt, 0, NULL) : NULL;
    free(txt);
    return all;
}

static json_t *card_for(json_t *all, const char *day)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(all, "cards"), i, c)
    {
        if (!strcmp(json_string_value(json_object_get(c, "day")), day))
            return json_object_get(c, "answers");
    }
    return NULL;
}

/* "urge 7 -> 3; distress 6 -> 4" from a practice's ratings. */
static void ratings_text(json_t *p, char *buf, size_t n)
{
    json_t *before = json_object_get(p, "before"), *after = json_object_get(p, "after");
    size_t len = 0;
    buf[0] = '\0';
    const char *k;
    json_t *v;
    json_object_foreach(before, k, v)
    {
        json_t *a = json_object_get(after, k);
        char b1[32] = "?", b2[32] = "?";
        if (json_is_number(v))
            snprintf(b1, sizeof b1, "%g", json_number_value(v));
        else if (json_is_string(v))
            snprintf(b1, sizeof b1, "%.30s", json_string_value(v));
        if (json_is_number(a))
            snprintf(b2, sizeof b2, "%g", json_number_value(a));
        else if (json_is_string(a))
            snprintf(b2, sizeof b2, "%.30s", json_string_value(a));
        int w = snprintf(buf + len, n - len, "%s%s %s -> %s", len ? "; " : "", k, b1, b2);
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

/* Print text from the store without control characters. */
void diary_put_plain(FILE *f, const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x20 && *s != 0x7f)
            fputc(*s, f);
}

/* ---- diary show ------------------------------------------------------------ */

static const char *const spark[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                    "\u2585", "\u2586", "\u2587", "\u2588"};

static int diary_show(const cli_opts *o, int days, FILE *out)
{
    time_t now = time(NULL);
    json_t *all = load_days(o, days, now, stderr);
    if (!all)
        return 1;
    fprintf(out, "Diary card, the last %d days\n\n%-20s", days, "");
    for (int d = days - 1; d >= 0; d--) {
        char h[16];
        struct tm tm;
        time_t t = now - (time_t)d * DAY_SECONDS;
        localtime_r(&t, &tm);
        strftime(h, sizeof h, "%a%d", &tm);
        fprintf(out, " %-5.5s", h);
    }
    fputs("  trend\n", out);
    for (int r = 0; r < NROWS; r++) {
        fprintf(out, "%-20s", rows[r].label);
        char line[8 * 3 * 64 + 1] = "";
        size_t ln = 0;
        for (int d = days - 1; d >= 0; d--) {
            char day[16];
            day_of(now - (time_t)d * DAY_SECONDS, day, sizeof day);
            int v = value_of(card_for(all, day), &rows[r]);
            if (v < 0)
                fprintf(out, " %-5s", ".");
            else if (rows[r].max == 1)
                fprintf(out, " %-5s", v ? "yes" : "no");
            else
                fprintf(out, " %-5d", v);
            const char *c = v < 0 ? " " : spark[v * 7 / rows[r].max];
            if (ln + strlen(c) < sizeof line) {
                memcpy(line + ln, c, strlen(c) + 1);
                ln += strlen(c);
            }
        }
        fprintf(out, "  %s\n", line);
    }
    size_t i;
    json_t *c;
    bool any_note = false;
    json_array_foreach(json_object_get(all, "cards"), i, c)
    {
        json_t *a = json_object_get(c, "answers");
        const char *own = json_string_value(json_object_get(a, "own_emotion"));
        const char *used = json_string_value(json_object_get(a, "skills_used"));
        const char *note = json_string_value(json_object_get(a, "note"));
        if (!own && !used && !note)
            continue;
        if (!any_note)
            fputs("\nNotes\n", out);
        any_note = true;
        fprintf(out, "  %s:", json_string_value(json_object_get(c, "day")));
        if (own) {
            fputs(" own emotion: ", out);
            diary_put_plain(out, own);
            fputc(';', out);
        }
        if (used) {
            fputs(" skills: ", out);
            diary_put_plain(out, used);
            fputc(';', out);
        }
        if (note) {
            fputs(" note: ", out);
            diary_put_plain(out, note);
        }
        fputc('\n', out);
    }
    json_t *pr = json_object_get(all, "practice");
    fprintf(out, "\nSkills practised (%zu)\n", json_array_size(pr));
    json_array_foreach(pr, i, c)
    {
        time_t at = (time_t)json_integer_value(json_object_get(c, "at"));
        char when[32], rt[256];
        struct tm tm;
        localtime_r(&at, &tm);
        strftime(when, sizeof when, "%a %d %b %H:%M", &tm);
        ratings_text(c, rt, sizeof rt);
        fprintf(out, "  %s  ", when);
        diary_put_plain(out, json_string_value(json_object_get(c, "title")));
        if (*rt)
            fprintf(out, "  (%s)", rt);
        fputc('\n', out);
    }
    if (!json_array_size(pr))
        fputs("  none yet\n", out);
    json_decref(all);
    return 0;
}

/* ---- export -------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    fputc('"', f);
    /* A leading = + - @ would make a spreadsheet run the text as a formula. */
    if (strchr("=+-@", s[0]) && s[0])
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        if ((unsigned char)*s >= 0x20 || *s == '\t')
            fputc(*s, f);
    }
    fputc('"', f);
}

static const char *const csv_extra[] = {"own_emotion", "acted_other", "skills_used", "note"};

static void export_csv(json_t *all, FILE *f)
{
    fputs("kind,date,time,skill", f);
    for (int r = 0; r < NROWS; r++)
        fprintf(f, ",%s", rows[r].var);
    for (size_t k = 0; k < sizeof csv_extra / sizeof csv_extra[0]; k++)
        fprintf(f, ",%s", csv_extra[k]);
    fputs(",ratings\r\n", f);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(all, "cards"), i, c)
    {
        json_t *a = json_object_get(c, "answers");
        fputs("card,", f);
        csv_field(f, json_string_value(json_object_get(c, "day")));
        fputs(",,diary-card", f);
        for (int r = 0; r < NROWS; r++) {
            fputc(',', f);
            csv_field(f, json_string_value(json_object_get(a, rows[r].var)));
        }
        for (size_t k = 0; k < sizeof csv_extra / sizeof csv_extra[0]; k++) {
            fputc(',', f);
            csv_field(f, json_string_value(json_object_get(a, csv_extra[k])));
        }
        fputs(",\r\n", f);
    }
    json_array_foreach(json_object_get(all, "practice"), i, c)
    {
        time_t at = (time_t)json_integer_value(json_object_get(c, "at"));
        char day[16], hm[16], rt[256];
        struct tm tm;
        localtime_r(&at, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        strftime(hm, sizeof hm, "%H:%M", &tm);
        ratings_text(c, rt, sizeof rt);
        fprintf(f, "practice,%s,%s,", day, hm);
        csv_field(f, json_string_value(json_object_get(c, "skill")));
        for (size_t k = 0; k < NROWS + sizeof csv_extra / sizeof csv_extra[0]; k++)
            fputc(',', f);
        csv_field(f, rt);
        fputs("\r\n", f);
    }
}

void diary_html_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 && *s != 0x7f)
                fputc(*s, f);
        }
    }
}

const char *const diary_html_head =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>%s</title>\n"
    "<style>\nbody{font:11pt/1.4 Georgia,serif;color:#000;margin:1.5em}\n"
    "h1{font-size:15pt;margin:0 0 .2em}p.sub{margin:0 0 1em;color:#444}\n"
    "table{border-collapse:collapse;width:100%%;margin-bottom:1em}\n"
    "th,td{border:1px solid #777;padding:.25em .4em;text-align:center}\n"
    "th.l,td.l{text-align:left}thead th{background:#eee}\n"
    "ul{margin:.2em 0 1em}.card{border:1px solid #000;padding:.6em;max-width:32em}\n"
    "@page{margin:1.5cm}@media print{body{margin:0}thead th{background:none}}\n"
    "</style></head><body>\n";

static void export_html(json_t *all, int days, time_t now, FILE *f)
{
    fprintf(f, diary_html_head, "Diary card");
    char from[16], to[16];
    day_of(now - (time_t)(days - 1) * DAY_SECONDS, from, sizeof from);
    day_of(now, to, sizeof to);
    fprintf(f,
            "<h1>DBT diary card</h1>\n<p class=\"sub\">%s to %s. Emotions and urges 0-5, "
            "skills 0-7.</p>\n<table><thead><tr><th class=\"l\"></th>",
            from, to);
    for (int d = days - 1; d >= 0; d--) {
        char h[16];
        struct tm tm;
        time_t t = now - (time_t)d * DAY_SECONDS;
        localtime_r(&t, &tm);
        strftime(h, sizeof h, "%a %d", &tm);
        fprintf(f, "<th>%s</th>", h);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (int r = 0; r < NROWS; r++) {
        fprintf(f, "<tr><th class=\"l\">%s</th>", rows[r].label);
        for (int d = days - 1; d >= 0; d--) {
            char day[16];
            day_of(now - (time_t)d * DAY_SECONDS, day, sizeof day);
            int v = value_of(card_for(all, day), &rows[r]);
            if (v < 0)
                fputs("<td></td>", f);
            else if (rows[r].max == 1)
                fprintf(f, "<td>%s</td>", v ? "yes" : "no");
            else
                fprintf(f, "<td>%d</td>", v);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n<h2>Notes</h2>\n<ul>\n", f);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(all, "cards"), i, c)
    {
        json_t *a = json_object_get(c, "answers");
        fputs("<li>", f);
        diary_html_text(f, json_string_value(json_object_get(c, "day")));
        static const char *const keys[][2] = {{"own_emotion", "own emotion"},
                                              {"acted_other", "also acted on"},
                                              {"skills_used", "skills used"},
                                              {"note", "note"}};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *v = json_string_value(json_object_get(a, keys[k][0]));
            if (v) {
                fprintf(f, "; %s: ", keys[k][1]);
                diary_html_text(f, v);
            }
        }
        fputs("</li>\n", f);
    }
    fputs("</ul>\n<h2>Skills practised</h2>\n<table><thead><tr><th class=\"l\">when</th>"
          "<th class=\"l\">skill</th><th class=\"l\">before and after</th></tr></thead><tbody>\n",
          f);
    json_array_foreach(json_object_get(all, "practice"), i, c)
    {
        time_t at = (time_t)json_integer_value(json_object_get(c, "at"));
        char when[32], rt[256];
        struct tm tm;
        localtime_r(&at, &tm);
        strftime(when, sizeof when, "%a %d %b %H:%M", &tm);
        ratings_text(c, rt, sizeof rt);
        fprintf(f, "<tr><td class=\"l\">%s</td><td class=\"l\">", when);
        diary_html_text(f, json_string_value(json_object_get(c, "title")));
        fputs("</td><td class=\"l\">", f);
        diary_html_text(f, rt);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n</body></html>\n", f);
}

FILE *diary_open_out(const char *file)
{
    if (!file || !strcmp(file, "-"))
        return stdout;
    FILE *f = fopen(file, "w");
    if (!f)
        perror(file);
    return f;
}

int diary_close_out(FILE *f, const char *file)
{
    if (f == stdout)
        return fflush(f) == 0 ? 0 : 1;
    if (fclose(f) != 0) {
        perror(file);
        return 1;
    }
    return 0;
}

static int diary_export(const cli_opts *o, const char *fmt, const char *file, int days)
{
    time_t now = time(NULL);
    json_t *all = load_days(o, days, now, stderr);
    if (!all)
        return 1;
    FILE *f = diary_open_out(file);
    if (!f) {
        json_decref(all);
        return 1;
    }
    if (!strcmp(fmt, "csv"))
        export_csv(all, f);
    else if (!strcmp(fmt, "html"))
        export_html(all, days, now, f);
    else
        json_dumpf(all, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!strcmp(fmt, "json"))
        fputc('\n', f);
    json_decref(all);
    return diary_close_out(f, file);
}

static int forget_all(const cli_opts *o, bool yes, FILE *out)
{
    char dir[4096], err[600];
    if (!store_dir(o->data, dir, sizeof dir) || !store_exists(dir)) {
        fprintf(out, "There is no diary to delete.\n");
        return 0;
    }
    if (!yes && !diary_confirm("Delete your whole diary, practice log and safety plan?")) {
        fprintf(out, "Nothing was deleted.\n");
        return 1;
    }
    if (!store_delete(dir, err, sizeof err)) {
        fprintf(stderr, "dbtcoach: %s\n", err);
        return 1;
    }
    fprintf(out, "Deleted: your diary cards, practice log and safety plan are gone.\n");
    return 0;
}

static int parse_days(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    return *end || n < 1 || n > 366 ? -1 : (int)n;
}

int diary_main(int argc, char **argv, const cli_opts *o)
{
    const char *sub = argc > 1 ? argv[1] : "show";
    bool yes = false;
    int days = 7;
    const char *fmt = NULL, *file = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
            yes = true;
        else if (!strcmp(argv[i], "--days") && i + 1 < argc && parse_days(argv[i + 1]) > 0)
            days = parse_days(argv[++i]);
        else if (!strcmp(argv[i], "--csv") || !strcmp(argv[i], "--json") ||
                 !strcmp(argv[i], "--html")) {
            fmt = argv[i] + 2;
            if (i + 1 < argc && argv[i + 1][0] != '-')
                file = argv[++i];
        } else {
            fprintf(stderr, "dbtcoach diary: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!strcmp(sub, "on"))
        return diary_on(o, yes, stdout);
    if (!strcmp(sub, "off"))
        return diary_off(o, stdout);
    if (!strcmp(sub, "show"))
        return diary_show(o, days, stdout);
    if (!strcmp(sub, "forget"))
        return forget_all(o, yes, stdout);
    if (!strcmp(sub, "export")) {
        if (!fmt) {
            fprintf(stderr, "usage: dbtcoach diary export --csv|--json|--html [FILE] "
                            "[--days N]\n");
            return 2;
        }
        if (days == 7 && strcmp(fmt, "html") != 0)
            days = 366;
        return diary_export(o, fmt, file, days);
    }
    fprintf(stderr, "usage: dbtcoach diary on|off|show|export|forget\n");
    return 2;
}

/* ---- in a conversation ------------------------------------------------------ */

void diary_session_begin(const cli_opts *o, dbt_session *s)
{
    json_t *p = diary_load_plan(o, stderr);
    if (!p)
        return;
    char *txt = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    if (txt)
        dbt_session_set_plan(s, txt, NULL);
    free(txt);
}

bool diary_command(const cli_opts *o, const char *line, FILE *out)
{
    if (!strcmp(line, "diary on"))
        diary_on(o, true, out);
    else if (!strcmp(line, "diary off"))
        diary_off(o, out);
    else if (!strcmp(line, "diary show"))
        diary_show(o, 7, out);
    else if (!strcmp(line, "plan show") || !strcmp(line, "show my plan")) {
        json_t *p = diary_load_plan(o, stderr);
        if (p)
            diary_plan_text(p, out);
        else
            fputs("No safety plan is kept. Say \"safety plan\" to write one.\n", out);
        json_decref(p);
    } else
        return false;
    fputc('\n', out);
    fflush(out);
    return true;
}

void diary_after_turn(const cli_opts *o, dbt_session *s, const dbt_reply *r, FILE *out)
{
    if (!r->record)
        return;
    json_t *rec = json_loads(r->record, 0, NULL);
    const char *kind = json_string_value(json_object_get(rec, "kind"));
    char dir[4096];
    bool have_dir = store_dir(o->data, dir, sizeof dir);
    if (kind && !strcmp(kind, "plan")) {
        /* In this session the plan is used either way; on disk only when
         * the person said to keep it. */
        char *pj = json_dumps(json_object_get(rec, "plan"), JSON_COMPACT);
        if (pj)
            dbt_session_set_plan(s, pj, NULL);
        free(pj);
        const char *keep =
            json_string_value(json_object_get(json_object_get(rec, "answers"), "keep"));
        if (keep && !strcmp(keep, "yes")) {
            store *st = diary_open_store(o, true, out);
            if (st && store_add_record(st, r->record, time(NULL)))
                fprintf(out, "  Your safety plan is kept in %s.\n\n", store_path(st));
            else if (st)
                fprintf(out, "  %s. Please copy it from above.\n\n", store_error(st));
            store_close(st);
        } else {
            fputs("  Your safety plan was not kept on this computer.\n\n", out);
        }
    } else if (have_dir && store_exists(dir)) {
        store *st = diary_open_store(o, false, out);
        if (st && store_diary_on(st)) {
            if (!store_add_record(st, r->record, time(NULL)))
                fprintf(out, "  (The diary: %s. Nothing else has changed; we can go on.)\n\n",
                        store_error(st));
        } else if (st && kind && !strcmp(kind, "diary")) {
            fputs("  The diary is off, so this card was not kept. Say \"diary on\" to keep "
                  "your cards.\n\n",
                  out);
        }
        store_close(st);
    } else if (kind && !strcmp(kind, "diary")) {
        fputs("  The diary is off, so this card was not kept. Say \"diary on\" to keep your "
              "cards.\n\n",
              out);
    }
    fflush(out);
    json_decref(rec);
}
