/*
 * main.c - the dbtcoach command: arguments and sub-commands. Everything a
 * second front end would also need lives in the library.
 */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef DBT_DATADIR
#define DBT_DATADIR "/usr/local/share/dbtcoach"
#endif

static void usage(FILE *f)
{
    fputs(
        "usage: dbtcoach [options]              practise DBT skills (a terminal coach)\n"
        "       dbtcoach --jsonl [options]      JSON lines on stdin/stdout, for other front ends\n"
        "       dbtcoach skills                 list the skills: id, module, title\n"
        "       dbtcoach check [--werror] [DIR] check skill scripts\n"
        "       dbtcoach test [--coverage] [FILE|DIR...]  run conversation tests\n"
        "       dbtcoach graph SKILL            a skill's steps as Graphviz DOT\n"
        "       dbtcoach diary on|off [--yes]   keep (or stop keeping) a private diary\n"
        "       dbtcoach diary show [--days N]  the last days' cards and practice\n"
        "       dbtcoach diary export --csv|--json|--html [FILE] [--days N]\n"
        "       dbtcoach diary forget [--yes]   delete the diary and the kept plan\n"
        "       dbtcoach plan show | plan export --html FILE | plan forget [--yes]\n"
        "       dbtcoach serve [--listen ADDR:PORT] [--store memory|redis://HOST:PORT[/DB]]\n"
        "                                       the protocol over HTTP, and the web chat\n"
        "\n"
        "options:\n"
        "  --skills DIR     the folder of skill scripts\n"
        "  --region CC      your country (ISO code such as US, GB, AU) for crisis lines\n"
        "  --no-color       no colour\n"
        "  --history        keep the line history on disk (off by default)\n"
        "  --data DIR       the diary's folder (default $XDG_DATA_HOME/dbtcoach)\n"
        "  --help, --version\n"
        "\n"
        "dbtcoach is a practice aid for DBT skills. It is not therapy and not a crisis\n"
        "service. If you are in danger, call your local emergency number.\n",
        f);
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *cli_skills_dir(const char *flag)
{
    if (flag)
        return flag;
    const char *env = getenv("DBTCOACH_SKILLS");
    if (env && *env)
        return env;
    /* Run from a source tree (build/dbtcoach, build/asan/dbtcoach with
     * skills/ a level or two up), or installed under any prefix
     * (PREFIX/bin/dbtcoach and PREFIX/share/dbtcoach/skills). */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        static char buf[PATH_MAX + 32];
        static const char *const up[] = {"/../skills", "/../../skills",
                                         "/../share/dbtcoach/skills"};
        char *slash = strrchr(exe, '/');
        for (size_t i = 0; slash && i < sizeof up / sizeof up[0]; i++) {
            *slash = '\0';
            snprintf(buf, sizeof buf, "%s%s", exe, up[i]);
            char probe[PATH_MAX + 48];
            snprintf(probe, sizeof probe, "%s/coach.yaml", buf);
            if (is_dir(buf) && access(probe, R_OK) == 0)
                return buf;
        }
    }
    return DBT_DATADIR "/skills";
}

const char *cli_region(const char *flag)
{
    static char cc[3];
    if (flag && *flag)
        return flag;
    const char *env = getenv("DBTCOACH_REGION");
    if (env && *env)
        return env;
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v)
            continue;
        /* language_COUNTRY.codeset@modifier */
        const char *u = strchr(v, '_');
        if (u && isalpha((unsigned char)u[1]) && isalpha((unsigned char)u[2]) &&
            !isalpha((unsigned char)u[3])) {
            cc[0] = (char)toupper((unsigned char)u[1]);
            cc[1] = (char)toupper((unsigned char)u[2]);
            cc[2] = '\0';
            return cc;
        }
        /* The first variable that is set decides, as for the locale itself. */
        return NULL;
    }
    return NULL;
}

static int list_skills(dbt_engine *e)
{
    size_t n = dbt_engine_skill_count(e);
    for (size_t i = 0; i < n; i++) {
        dbt_skill_info si;
        dbt_engine_skill_info(e, i, &si);
        printf("%s\t%s\t%s\n", si.id, si.module, si.title);
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli_opts o = {0};
    const char *skills_flag = NULL, *region_flag = NULL;
    bool json_lines = false, no_color = false;
    /* Global options may stand before or after a sub-command; whatever is
     * not one of them is left, in order, for the sub-command. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return 2;
    int nrest = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool sub = nrest > 0; /* after a sub-command, its own options pass through */
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            free(rest);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("dbtcoach %s\n", dbt_version());
            free(rest);
            return 0;
        } else if (!strcmp(a, "--skills") && i + 1 < argc) {
            skills_flag = argv[++i];
        } else if (!strncmp(a, "--skills=", 9)) {
            skills_flag = a + 9;
        } else if (!strcmp(a, "--region") && i + 1 < argc) {
            region_flag = argv[++i];
        } else if (!strncmp(a, "--region=", 9)) {
            region_flag = a + 9;
        } else if (!strcmp(a, "--data") && i + 1 < argc) {
            o.data = argv[++i];
        } else if (!strncmp(a, "--data=", 7)) {
            o.data = a + 7;
        } else if (!strcmp(a, "--jsonl")) {
            json_lines = true;
        } else if (!strcmp(a, "--no-color")) {
            no_color = true;
        } else if (!strcmp(a, "--history")) {
            o.history = true;
        } else if (a[0] == '-' && !sub) {
            fprintf(stderr, "dbtcoach: unknown option '%s'\n", a);
            usage(stderr);
            free(rest);
            return 2;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    o.skills = cli_skills_dir(skills_flag);
    o.region = cli_region(region_flag);
    const char *nc = getenv("NO_COLOR");
    o.color = !no_color && !(nc && *nc) && isatty(STDOUT_FILENO);

    if (nrest > 0) {
        const char *cmd = rest[0];
        int rc = -1;
        if (!strcmp(cmd, "check"))
            rc = check_main(nrest, rest, &o);
        else if (!strcmp(cmd, "test"))
            rc = test_main(nrest, rest, &o);
        else if (!strcmp(cmd, "graph"))
            rc = graph_main(nrest, rest, &o);
        else if (!strcmp(cmd, "diary"))
            rc = diary_main(nrest, rest, &o);
        else if (!strcmp(cmd, "plan"))
            rc = plan_main(nrest, rest, &o);
        else if (!strcmp(cmd, "serve"))
            rc = serve_main(nrest, rest, &o);
        else if (!strcmp(cmd, "skills")) {
            dbt_engine *e = cli_load(o.skills, false, false, NULL, NULL);
            rc = e ? list_skills(e) : 2;
            dbt_engine_free(e);
        } else {
            fprintf(stderr, "dbtcoach: unknown command '%s'\n", cmd);
            usage(stderr);
            rc = 2;
        }
        free(rest);
        return rc;
    }
    free(rest);

    dbt_engine *e = cli_load(o.skills, false, false, NULL, NULL);
    if (!e)
        return 2;
    int rc;
    if (json_lines)
        rc = jsonl_run(e, &o);
    else if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        rc = repl_run(&e, &o);
    else
        rc = plain_run(e, &o);
    dbt_engine_free(e);
    return rc;
}
