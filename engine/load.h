/*
 * load.h - reading a folder of scripts into an engine (load.c and the
 * load_*.c files). No checks, no turns: engine.c puts the pieces together.
 */
#ifndef DBT_LOAD_H
#define DBT_LOAD_H

#include "diag.h"

/* Load every script under `dir` with `flags` (DBT_LOAD_*), reporting every
 * problem to `d`. NULL when there was any error. */
dbt_engine *load_engine(const char *dir, int flags, diagsink *d);

#endif
