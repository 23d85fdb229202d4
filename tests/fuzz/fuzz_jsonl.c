/*
 * fuzz_jsonl.c - bytes as JSON-lines requests to `dbtcoach --jsonl`, one
 * line at a time, replies thrown away.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dbt_engine *engine;
static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        const char *dir = getenv("DBTCOACH_SKILLS");
        dbt_error err;
        engine = dbt_engine_load(dir && *dir ? dir : "skills", &err);
        sink = fopen("/dev/null", "w");
        if (!engine || !sink)
            abort();
    }
    static cli_opts o = {"skills", "US", false, false, NULL};
    jsonl *j = jsonl_new(engine, &o, sink);
    if (!j)
        return 0;
    size_t i = 0;
    long lineno = 0;
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t n = nl ? (size_t)(nl - (data + i)) + 1 : size - i;
        char *line = malloc(n + 1);
        if (!line)
            break;
        memcpy(line, data + i, n);
        line[n] = '\0';
        jsonl_line(j, line, n, ++lineno);
        free(line);
        i += n;
    }
    jsonl_free(j);
    return 0;
}
