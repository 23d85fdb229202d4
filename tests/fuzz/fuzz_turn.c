/*
 * fuzz_turn.c - bytes as what a person types, in sessions placed at every
 * step of the shipped skills. The first byte picks the step; the rest is
 * split on newlines into up to eight turns.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static dbt_engine *engine;
static struct {
    const char *skill, *step;
} places[4096];
static size_t nplaces;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("DBTCOACH_SKILLS");
    dbt_error err;
    engine = dbt_engine_load(dir && *dir ? dir : "skills", &err);
    if (!engine)
        abort();
    for (int i = 0; i < engine->nskills; i++)
        for (int j = 0; j < engine->skills[i].nsteps && nplaces < 4096; j++) {
            places[nplaces].skill = engine->skills[i].id;
            places[nplaces].step = engine->skills[i].steps[j].id;
            nplaces++;
        }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine)
        LLVMFuzzerInitialize(NULL, NULL);
    dbt_session *s = dbt_session_new(engine, size && data[0] & 1 ? "GB" : "US");
    if (!s)
        return 0;
    size_t pick = size >= 2 ? ((size_t)data[0] << 8 | data[1]) : 0;
    if (pick % 8)
        dbt_session_jump(s, places[pick % nplaces].skill, places[pick % nplaces].step);
    else
        dbt_session_start(s);
    size_t i = size >= 2 ? 2 : size;
    for (int turns = 0; turns < 8 && i <= size; turns++) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (data + i)) : size - i;
        char *line = malloc(n + 1);
        if (!line)
            break;
        memcpy(line, data + i, n);
        line[n] = '\0';
        const dbt_reply *r = dbt_session_turn(s, line);
        if (!r || !r->text)
            abort();
        free(line);
        i += n + 1;
    }
    char *js = dbt_session_save(s);
    dbt_free(js);
    dbt_session_free(s);
    return 0;
}
