/*
 * load.h - internal interface between the loader, the static checks and the
 * templates.
 */
#ifndef DBT_LOAD_H
#define DBT_LOAD_H

#include <stdarg.h>

#include "model.h"

/* Where diagnostics go while loading or checking. */
typedef struct diagsink {
    dbt_diag_fn fn;
    void *user;
    dbt_error first; /* the first error */
    int nerrors, nwarnings;
} diagsink;

void diag_report(diagsink *d, int severity, const srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vreport(diagsink *d, int severity, const srcpos *pos, const char *fmt, va_list ap);

/* The static checks of `dbtcoach check`, over a loaded engine. */
void check_engine(const dbt_engine *e, diagsink *d);

#endif
