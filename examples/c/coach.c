/* coach.c - a small terminal front end over libdbtcoach.
 * usage: coach [SKILLS_DIR] [REGION]     e.g. coach /usr/local/share/dbtcoach/skills US */
#define _POSIX_C_SOURCE 200809L /* for getline */
#include <dbtcoach.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const dbt_reply *r)
{
    if (r->crisis) /* show all of a crisis reply, prominently; never shorten or hide it */
        printf("\n======== PLEASE READ: SUPPORT IS AVAILABLE NOW ========\n");
    printf("%s\n", r->text);
    if (r->crisis)
        printf("=======================================================\n");
    for (size_t i = 0; i < r->n_choices; i++)
        printf("  [%s]%s", r->choices[i], i + 1 < r->n_choices ? "" : "\n");
    if (r->timer.kind == DBT_TIMER_COUNTDOWN)
        printf("(timer: %d seconds)\n", r->timer.seconds);
    else if (r->timer.kind == DBT_TIMER_BREATHE)
        printf("(breathe in %d, hold %d, out %d; %d times)\n", r->timer.breathe_in, r->timer.hold,
               r->timer.breathe_out, r->timer.cycles);
    fputs(r->ended ? "" : "> ", stdout);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    dbt_error err;
    dbt_engine *engine = dbt_engine_load(argc > 1 ? argv[1] : "skills", &err);
    if (!engine) {
        if (err.line) /* a script error: file:line:column: message */
            fprintf(stderr, "%s:%d:%d: ", err.file, err.line, err.column);
        else if (err.file[0])
            fprintf(stderr, "%s: ", err.file);
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    dbt_session *s = dbt_session_new(engine, argc > 2 ? argv[2] : NULL); /* NULL: no region */
    if (!s) {
        dbt_engine_free(engine);
        return 1;
    }
    show(dbt_session_start(s));
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        const dbt_reply *r = dbt_session_turn(s, line); /* valid until the next call on s */
        show(r);
        if (r->ended)
            break;
    }
    free(line);
    dbt_session_free(s); /* every session before the engine */
    dbt_engine_free(engine);
    return 0;
}
