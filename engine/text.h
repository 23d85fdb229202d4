/*
 * text.h - cleaning untrusted text before it is matched, and reflecting a
 * person's words back to them.
 */
#ifndef DBT_TEXT_H
#define DBT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The longest input a turn processes, in bytes after cleaning. */
enum { TEXT_MAX_INPUT = 2000, TEXT_MAX_SCREEN = 65536 };

/*
 * Clean `len` bytes of untrusted input into `out`: invalid UTF-8 becomes
 * U+FFFD; control characters, terminal escape sequences and invisible
 * format characters (zero-width, bidirectional overrides) are removed;
 * Unicode NFKC is applied, so styled letters read as plain ones; curly quotes
 * and apostrophes become straight ones, dashes become "-"; white space is
 * collapsed to single spaces and trimmed. At most `max` bytes of input are
 * read. Returns false only when out of memory.
 */
bool text_clean(const char *in, size_t len, size_t max, strbuf *out);

/* Copy cleaned text into `out` with letters that only look Latin (small
 * capitals, Cyrillic and Greek look-alikes) replaced by the Latin ones, for
 * the crisis screen ("ɪ ᴡᴀɴᴛ ᴛᴏ ᴅɪᴇ", "dіe" with a Cyrillic і). Returns
 * true when anything changed. */
bool text_fold_lookalikes(const char *in, size_t len, strbuf *out);

/*
 * What the crisis screen reads, from cleaned input `in`: look-alike letters
 * made Latin (into `folded`, only when there are any), then ASCII-lowercased
 * into `lower`. Returns the text to screen (`in` or `folded`), its length in
 * `*len` (the same as `lower`'s); NULL when out of memory. Turns and `check`
 * both screen through this, so they always agree.
 */
const char *text_for_screen(const char *in, size_t inlen, strbuf *folded, strbuf *lower,
                            size_t *len);

/* Append `s` (`len` bytes) to `out` said back: first and second person
 * swapped ("I am scared of my boss" becomes "you are scared of your boss"),
 * text-speak read as words ("me n u r" -> "you and I are") and hedges and
 * fillers left out ("i could idk go for a walk i guess" -> "you could go for
 * a walk"). Returns false when the text was nothing but hedges ("i guess",
 * "um lol"): then it is only swapped ("you guess") and is not content. */
bool text_reflect(const char *s, size_t len, strbuf *out);

/* A name folded for comparison: ASCII letters lowercased, spaces and
 * punctuation dropped ("DEAR MAN", "dear-man" and "dearman" are equal). */
void text_fold_name(const char *s, size_t len, strbuf *out);

/* Parse a 0-10 style number: digits (with an optional sign and decimals) or a
 * number word from "zero" to "ten". */
bool text_number(const char *s, double *out);

#endif
