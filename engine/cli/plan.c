/*
 * plan.c - the kept safety plan on the command's side: `dbtcoach plan show`,
 * `plan export --html FILE` (one printable, wallet-sized page) and `plan
 * forget`. The plan is written only when the person said to keep it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diary.h"

static const char *const plan_parts[][2] = {
    {"warning_signs", "My warning signs"},
    {"coping", "Things I can do on my own"},
    {"distractions", "People and places that take my mind off things"},
    {"people", "People I can ask for help"},
    {"professionals", "Professionals and services"},
    {"safer", "Making my surroundings safer"},
    {"reasons", "My reasons for living"},
};
enum { NPARTS = sizeof plan_parts / sizeof plan_parts[0] };

/* ---- the plan ---------------------------------------------------------------- */

json_t *diary_load_plan(const cli_opts *o, FILE *err)
{
    char dir[4096];
    if (!store_dir(o->data, dir, sizeof dir) || !store_exists(dir))
        return NULL;
    store *st = diary_open_store(o, false, err);
    char *txt = st ? store_plan(st) : NULL;
    store_close(st);
    json_t *p = txt ? json_loads(txt, 0, NULL) : NULL;
    free(txt);
    return p;
}

/* One entry of a plan as text: a string, or a person with a number. */
static void plan_entry(json_t *item, char *buf, size_t n)
{
    if (json_is_object(item)) {
        const char *name = json_string_value(json_object_get(item, "name"));
        const char *phone = json_string_value(json_object_get(item, "phone"));
        snprintf(buf, n, "%s%s%s", name ? name : "", name && phone ? ": " : "", phone ? phone : "");
    } else {
        snprintf(buf, n, "%s", json_is_string(item) ? json_string_value(item) : "");
    }
}

void diary_plan_text(json_t *p, FILE *f)
{
    fputs("My safety plan\n", f);
    for (int k = 0; k < NPARTS; k++) {
        fprintf(f, "\n%s\n", plan_parts[k][1]);
        json_t *list = json_object_get(p, plan_parts[k][0]);
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            char buf[700];
            plan_entry(item, buf, sizeof buf);
            fputs("  - ", f);
            diary_put_plain(f, buf);
            fputc('\n', f);
        }
        if (!json_array_size(list))
            fputs("  (not filled in yet)\n", f);
    }
    fputs("\nIf you are in immediate danger, call your local emergency number.\n", f);
}

static void plan_html(json_t *p, FILE *f)
{
    fprintf(f, diary_html_head, "My safety plan");
    fputs("<style>.card{width:8.5cm;font-size:8.5pt;line-height:1.25}.card h1{font-size:11pt}"
          ".card h2{font-size:8.5pt;margin:.5em 0 0}.card ul{margin:0;padding-left:1.1em}"
          "</style>\n<div class=\"card\">\n<h1>My safety plan</h1>\n",
          f);
    for (int k = 0; k < NPARTS; k++) {
        fprintf(f, "<h2>%s</h2>\n<ul>", plan_parts[k][1]);
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(p, plan_parts[k][0]), i, item)
        {
            char buf[700];
            plan_entry(item, buf, sizeof buf);
            fputs("<li>", f);
            diary_html_text(f, buf);
            fputs("</li>", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("<p><strong>In immediate danger: call your local emergency number.</strong></p>\n"
          "</div>\n</body></html>\n",
          f);
}

int plan_main(int argc, char **argv, const cli_opts *o)
{
    const char *sub = argc > 1 ? argv[1] : "show";
    bool yes = false, html = false;
    const char *file = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
            yes = true;
        else if (!strcmp(argv[i], "--html")) {
            html = true;
            if (i + 1 < argc && argv[i + 1][0] != '-')
                file = argv[++i];
        } else {
            fprintf(stderr, "dbtcoach plan: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!strcmp(sub, "forget")) {
        json_t *p = diary_load_plan(o, stderr);
        if (!p) {
            printf("There is no kept safety plan to delete.\n");
            return 0;
        }
        json_decref(p);
        if (!yes && !diary_confirm("Delete your kept safety plan?")) {
            printf("Nothing was deleted.\n");
            return 1;
        }
        store *st = diary_open_store(o, false, stderr);
        bool ok = st && store_forget_plan(st);
        if (st && !ok)
            fprintf(stderr, "dbtcoach: %s\n", store_error(st));
        store_close(st);
        if (ok)
            printf("Deleted: your safety plan is no longer kept.\n");
        return ok ? 0 : 1;
    }
    if (strcmp(sub, "show") != 0 && strcmp(sub, "export") != 0) {
        fprintf(stderr, "usage: dbtcoach plan show|export --html FILE|forget\n");
        return 2;
    }
    json_t *p = diary_load_plan(o, stderr);
    if (!p) {
        printf("No safety plan is kept. Say \"safety plan\" in the coach to write one.\n");
        return 1;
    }
    int rc = 0;
    if (!strcmp(sub, "show")) {
        diary_plan_text(p, stdout);
    } else if (!html) {
        fprintf(stderr, "usage: dbtcoach plan export --html FILE\n");
        rc = 2;
    } else {
        FILE *f = diary_open_out(file);
        if (!f)
            rc = 1;
        else {
            plan_html(p, f);
            rc = diary_close_out(f, file);
        }
    }
    json_decref(p);
    return rc;
}
