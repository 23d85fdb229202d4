/*
 * check.h - the static checks of `dbtcoach check`, over a finished model.
 */
#ifndef DBT_CHECK_H
#define DBT_CHECK_H

#include "diag.h"

/* Report what looks wrong in `e` (warnings, and errors that stop a load). */
void check_engine(const dbt_engine *e, diagsink *d);

#endif
