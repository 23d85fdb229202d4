/*
 * fixture.h - helpers for unit tests: a temporary skills folder with a
 * minimal valid coach, crisis screen and hotline directory, into which a test
 * writes the script it wants to try.
 */
#ifndef DBT_TEST_FIXTURE_H
#define DBT_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbtcoach.h"

static inline void fx_write(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0755);
    *slash = '/';
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        abort();
    }
    fputs(text, f);
    fclose(f);
}

static const char fx_coach[] = "greeting: Hello. {scope}\n"
                               "scope: A practice aid, not therapy.\n"
                               "commands:\n"
                               "  - command: menu\n"
                               "    match: '^menu$'\n"
                               "    say: 'Skills: {menu}'\n"
                               "  - command: back\n"
                               "    match: '^back$'\n"
                               "    say: Going back.\n"
                               "    idle: Nothing to go back to.\n"
                               "  - command: skip\n"
                               "    match: '^skip$'\n"
                               "    say: Skipping.\n"
                               "    idle: Nothing to skip.\n"
                               "  - command: stop\n"
                               "    match: '^stop$'\n"
                               "    say: Stopped {skill}.\n"

                               "  - command: quit\n"
                               "    match: '^quit$'\n"
                               "    say: Bye.\n"
                               "  - command: crisis\n"
                               "    match: '^help now$'\n"
                               "    say: '{hotline}'\n"
                               "  - command: explain\n"
                               "    match: '^what is (?<name>.+?)\\??$'\n"
                               "    examples: [what is demo?]\n"
                               "    say: Type {title} to start it.\n"
                               "routes:\n"
                               "  - match: '\\bangry\\b'\n"
                               "    examples: [I am angry]\n"
                               "    say: Try Demo.\n"
                               "    choices: [Demo]\n"
                               "fallback: [Tell me more., Say that again?]\n"
                               "too_long: Too long.\n";

static const char fx_crisis[] =
    "idioms:\n"
    "  - match: '\\bkilling me\\b'\n"
    "    examples: [this traffic is killing me]\n"
    "categories:\n"
    "  - id: suicide\n"
    "    patterns:\n"
    "      - match: '\\b(kill(ing)? myself|want to die|killing me)\\b'\n"
    "        examples: [I want to die]\n"
    "    say: |\n"
    "      That sounds serious.\n"
    "      {hotline}\n"
    "followup:\n"
    "  choices: [breathe, menu]\n"
    "  rules:\n"
    "    - match: '^breathe$'\n"
    "      start: demo@breathe\n"
    "  fallback: Help is there.\n";

static const char fx_hotlines[] = "fallback: INTL\n"
                                  "regions:\n"
                                  "  - region: US\n"
                                  "    name: United States\n"
                                  "    emergency: '911'\n"
                                  "    services:\n"
                                  "      - name: Lifeline\n"
                                  "        for: [all]\n"
                                  "        call: ['988']\n"
                                  "        text: ['text 988']\n"
                                  "        hours: always\n"
                                  "        source: https://example.org/\n"
                                  "        verified: 2026-11-26\n"
                                  "  - region: INTL\n"
                                  "    name: Everywhere\n"
                                  "    emergency: your local emergency number\n"
                                  "    services:\n"
                                  "      - name: Directory\n"
                                  "        for: [all]\n"
                                  "        call: []\n"
                                  "        text: []\n"
                                  "        chat: [https://example.org/]\n"
                                  "        hours: always\n"
                                  "        source: https://example.org/\n"
                                  "        verified: 2026-11-26\n";

static const char fx_skill[] = "id: demo\n"
                               "title: Demo\n"
                               "module: distress-tolerance\n"
                               "summary: A demo skill.\n"
                               "about: Demo is for testing.\n"
                               "steps:\n"
                               "  start:\n"
                               "    say: How strong, 0 to 10?\n"
                               "    rules:\n"
                               "      - match: '\\b(?<n>10|[0-9])\\b'\n"
                               "        examples: ['7']\n"
                               "        set: {before: '{n}'}\n"
                               "        goto: name\n"
                               "    fallback: A number please.\n"
                               "  name:\n"
                               "    say: What is the urge?\n"
                               "    choices: [yell, run]\n"
                               "    rules:\n"
                               "      - match: '^i want to (?<urge>.+)$'\n"
                               "        examples: [i want to yell at my boss]\n"
                               "        set: {urge: '{urge}'}\n"
                               "        say: 'You want to {urge}.'\n"
                               "        goto: check\n"
                               "  check:\n"
                               "    branch:\n"
                               "      - if: before >= 8\n"
                               "        goto: high\n"
                               "      - goto: low\n"
                               "  high:\n"
                               "    say: High ({before}), {=urge}.\n"
                               "    end: true\n"
                               "  low:\n"
                               "    say: Low ({before}).\n"
                               "    end: true\n"
                               "  breathe:\n"
                               "    say: Breathe with me.\n"
                               "    timer: {breathe: {in: 4, out: 6, cycles: 2}}\n"
                               "    choices: [done]\n"
                               "    rules:\n"
                               "      - match: done\n"
                               "        end: true\n";

/* Load, without JIT when DBTCOACH_NO_JIT is set (under valgrind, which
 * PCRE2's JIT code confuses). */
static inline dbt_engine *fx_load(const char *dir, dbt_error *err)
{
    const char *v = getenv("DBTCOACH_NO_JIT");
    return dbt_engine_load_checked(dir, v && *v ? DBT_LOAD_NO_JIT : 0, NULL, NULL, err);
}

/* Make a fresh folder with the three top files and the demo skill. */
static inline char *fx_dir(void)
{
    char tmpl[] = "/tmp/dbt-test-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d)
        abort();
    d = strdup(d);
    fx_write(d, "coach.yaml", fx_coach);
    fx_write(d, "crisis.yaml", fx_crisis);
    fx_write(d, "hotlines.yaml", fx_hotlines);
    fx_write(d, "dt/demo.yaml", fx_skill);
    return d;
}

static inline void fx_rm(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(dir);
}

#endif
