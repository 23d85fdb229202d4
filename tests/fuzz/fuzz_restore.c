/*
 * fuzz_restore.c - bytes as a saved session, restored against the shipped
 * skills; a session that restores must take a turn and save again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dbtcoach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dbt_engine *engine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        const char *dir = getenv("DBTCOACH_SKILLS");
        dbt_error err;
        engine = dbt_engine_load(dir && *dir ? dir : "skills", &err);
        if (!engine)
            abort();
    }
    char *js = malloc(size + 1);
    if (!js)
        return 0;
    memcpy(js, data, size);
    js[size] = '\0';
    dbt_error err;
    dbt_session *s = dbt_session_restore(engine, js, &err);
    if (s) {
        const dbt_reply *r = dbt_session_turn(s, "ok");
        if (!r || !r->text)
            abort();
        char *again = dbt_session_save(s);
        dbt_free(again);
        dbt_session_free(s);
    } else if (!err.message[0]) {
        abort();
    }
    free(js);
    return 0;
}
