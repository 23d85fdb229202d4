/*
 * engine.c - the public face of loading: dbt_engine_load and its checked
 * form (the loader, then the static checks), freeing, and what a front end
 * may ask of a loaded engine.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "load.h"
#include "parts.h"

dbt_engine *dbt_engine_load_checked(const char *skills_dir, int flags, dbt_diag_fn diag, void *user,
                                    dbt_error *err_out)
{
    diagsink d;
    memset(&d, 0, sizeof d);
    d.fn = diag;
    d.user = user;
    if (!skills_dir) {
        if (err_out) {
            memset(err_out, 0, sizeof *err_out);
            err_out->status = DBT_ERR_ARG;
            snprintf(err_out->message, sizeof err_out->message, "no skills folder given");
        }
        return NULL;
    }
    dbt_engine *e = load_engine(skills_dir, flags, &d);
    if (e && !parts_build(e)) {
        model_free(e);
        e = NULL;
        dbt_error nomem = {.status = DBT_ERR_NOMEM};
        snprintf(nomem.message, sizeof nomem.message, "out of memory while loading scripts");
        d.first = nomem;
        d.nerrors++;
        if (d.fn)
            d.fn(d.user, DBT_SEVERITY_ERROR, &nomem);
    }
    if (e && (flags & DBT_LOAD_CHECKS)) {
        check_engine(e, &d);
        if (d.nerrors) {
            model_free(e);
            e = NULL;
        }
    }
    if (err_out) {
        if (e)
            memset(err_out, 0, sizeof *err_out);
        else
            *err_out = d.first;
    }
    return e;
}

dbt_engine *dbt_engine_load(const char *skills_dir, dbt_error *err_out)
{
    return dbt_engine_load_checked(skills_dir, 0, NULL, NULL, err_out);
}

void dbt_engine_free(dbt_engine *e) { model_free(e); }

size_t dbt_engine_skill_count(const dbt_engine *e) { return e ? (size_t)e->nskills : 0; }

int dbt_engine_skill_info(const dbt_engine *e, size_t i, dbt_skill_info *out)
{
    if (!e || !out || i >= (size_t)e->nskills)
        return -1;
    const skill *s = &e->skills[i];
    out->id = s->id;
    out->title = s->title;
    out->module = s->module;
    out->summary = s->summary;
    out->file = s->file;
    return 0;
}

const char *dbt_engine_region(const dbt_engine *e, size_t i)
{
    return e && i < (size_t)e->nregions ? e->regions[i].code : NULL;
}
