/*
 * diag.h - where diagnostics go while loading or checking scripts.
 */
#ifndef DBT_DIAG_H
#define DBT_DIAG_H

#include <stdarg.h>

#include "model.h"

typedef struct diagsink {
    dbt_diag_fn fn;
    void *user;
    dbt_error first; /* the first error */
    int nerrors, nwarnings;
} diagsink;

void diag_report(diagsink *d, int severity, const srcpos *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vreport(diagsink *d, int severity, const srcpos *pos, const char *fmt, va_list ap);

#endif
