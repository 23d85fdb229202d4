/*
 * diag.c - diagnostics while loading or checking scripts: keeps the first
 * error and counts, and passes each one to the caller's callback.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"

void diag_vreport(diagsink *d, int severity, const srcpos *pos, const char *fmt, va_list ap)
{
    dbt_error de;
    memset(&de, 0, sizeof de);
    de.status = DBT_ERR_SCRIPT;
    /* ap comes from the caller's va_start. */
    // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    vsnprintf(de.message, sizeof de.message, fmt, ap);
    if (pos && pos->file) {
        snprintf(de.file, sizeof de.file, "%s", pos->file);
        de.line = pos->line;
        de.column = pos->col;
    }
    if (severity == DBT_SEVERITY_ERROR) {
        if (d->nerrors++ == 0)
            d->first = de;
    } else {
        d->nwarnings++;
    }
    if (d->fn)
        d->fn(d->user, severity, &de);
}

void diag_report(diagsink *d, int severity, const srcpos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, severity, pos, fmt, ap);
    va_end(ap);
}
