/*
 * normalise.h - the one normalisation layer shared by the crisis screen and
 * the rules: shorthand and euphemisms spelt out, elongation undone, look-alike
 * digits read as letters, and typos of the scripts' own words corrected.
 * Built once at load (immutable, shared by threads); it knows no model.
 */
#ifndef DBT_NORMALISE_H
#define DBT_NORMALISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct normaliser normaliser;

/* A new, empty normaliser; NULL when out of memory. */
normaliser *nz_new(void);
void nz_free(normaliser *nz);

/* Words people use: a typo may be corrected into one of these (the
 * vocabulary). Words of any script text count as known: never corrected. */
bool nz_add_vocab(normaliser *nz, const char *word, size_t len);
bool nz_add_known(normaliser *nz, const char *word, size_t len);
/* While on, words added are another language's: never corrected, not
 * correction targets, and a message with one of them is left uncorrected. */
void nz_foreign(normaliser *nz, bool on);
/* Add every word of a text to the vocabulary (`vocab`) or the known words. */
bool nz_add_text(normaliser *nz, const char *text, bool vocab);
/* Shorthand: `from` (one to three words, lowercase) is read as `to`. */
bool nz_add_shorthand(normaliser *nz, const char *from, const char *to);
/* Build the typo index; call once, after every word is added. */
bool nz_finish(normaliser *nz);

/* Normalise cleaned text `in` into `out`: shorthand and elongation, and
 * with `typos` also digits as letters and single typos of the vocabulary.
 * Returns true when it changed anything; false leaves `out` a copy. */
bool nz_apply(const normaliser *nz, const char *in, size_t len, bool typos, strbuf *out);

/* The Damerau (optimal string alignment) distance of a and b is at most 1. */
bool nz_within_one(const char *a, size_t la, const char *b, size_t lb);

#endif
