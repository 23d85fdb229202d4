/*
 * fuzz_load.c - bytes as a skill script, loaded (with the static checks)
 * next to a small valid coach, crisis screen and hotline directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/fixture.h"
#include "dbtcoach.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;
static char path[600];

static void cleanup(void) { fx_rm(dir); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir) {
        dir = fx_dir();
        atexit(cleanup);
        snprintf(path, sizeof path, "%s/dt/fuzz.yaml", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    dbt_error err;
    dbt_engine *e = dbt_engine_load_checked(dir, 1, NULL, NULL, &err);
    if (e) {
        dbt_session *s = dbt_session_new(e, "US");
        dbt_skill_info si;
        for (size_t i = 0; s && dbt_engine_skill_info(e, i, &si) == 0; i++) {
            dbt_session_jump(s, si.id, NULL);
            dbt_session_turn(s, "yes 7 i want to go");
        }
        dbt_session_free(s);
        dbt_engine_free(e);
    } else if (!err.message[0]) {
        abort(); /* every refusal says why */
    }
    return 0;
}
