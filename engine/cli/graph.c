/*
 * graph.c - `dbtcoach graph SKILL`: a skill's steps and transitions as
 * Graphviz DOT, for `dbtcoach graph stop | dot -Tsvg > stop.svg`. The library
 * writes the DOT (dbt_engine_dot); this prints it.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int graph_main(int argc, char **argv, const cli_opts *o)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: dbtcoach graph SKILL   (then: | dot -Tsvg > SKILL.svg)\n");
        return 2;
    }
    dbt_engine *e = cli_load(o->skills, false, false, NULL, NULL);
    if (!e)
        return 2;
    char *dot = dbt_engine_dot(e, argv[1]);
    int rc = 0;
    if (dot) {
        fputs(dot, stdout);
        dbt_free(dot);
    } else {
        dbt_skill_info info;
        bool found = false;
        for (size_t i = 0; !found && dbt_engine_skill_info(e, i, &info) == 0; i++)
            found = !strcmp(info.id, argv[1]);
        if (found)
            fprintf(stderr, "dbtcoach graph: out of memory\n");
        else
            fprintf(stderr, "dbtcoach graph: no skill '%s' (see: dbtcoach skills)\n", argv[1]);
        rc = 2;
    }
    dbt_engine_free(e);
    return rc;
}
