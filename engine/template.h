/*
 * template.h - checking the syntax of reply templates. Knows nothing of
 * sessions or the model; the loader and the checks call it.
 */
#ifndef DBT_TEMPLATE_H
#define DBT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Check a template's syntax. Returns false and the byte offset of the
 * problem and a message when it is malformed. Calls `use` for each name it
 * uses (may be NULL). */
bool tmpl_validate(const char *t, size_t *off, const char **msg,
                   void (*use)(void *ud, const char *name, size_t len), void *ud);

#endif
