/*
 * choice.h - which offered choice a message points at: "2", "#2", "the
 * second one", "2nd", "option two", "the last one". Plain text only; it
 * knows no session or model.
 */
#ifndef DBT_CHOICE_H
#define DBT_CHOICE_H

#include <stddef.h>

/* The 1-based choice of `n` that cleaned text `s` names, or 0 when it names
 * none (or one out of range). */
int choice_ref(const char *s, size_t len, int n);

/* "the breathing one", "the one about facts": the 1-based choice of `n`
 * whose description (`texts[i]`, NULL for none) alone holds every word that
 * says which, in a short message with "one"; 0 when none or more than one. */
int choice_describe(const char *s, size_t len, const char *const *texts, int n);

#endif
