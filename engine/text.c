/*
 * text.c - cleaning untrusted input and reflecting words back.
 */
#include "text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static void put_cp(strbuf *b, utf8proc_int32_t cp)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
    sb_addn(b, (const char *)buf, (size_t)n);
}

/* Skip a terminal escape sequence starting at s[i] == ESC or C1 CSI/OSC;
 * returns the index after it. */
static size_t skip_escape(const unsigned char *s, size_t len, size_t i)
{
    i++; /* ESC */
    if (i >= len)
        return i;
    unsigned char c = s[i];
    if (c == '[') { /* CSI: parameters, then a final byte 0x40-0x7E */
        for (i++; i < len; i++)
            if (s[i] >= 0x40 && s[i] <= 0x7E)
                return i + 1;
        return i;
    }
    if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
        /* OSC, DCS, APC, PM, SOS: until BEL or ESC \ */
        for (i++; i < len; i++) {
            if (s[i] == 0x07)
                return i + 1;
            if (s[i] == 0x1B && i + 1 < len && s[i + 1] == '\\')
                return i + 2;
        }
        return i;
    }
    return i + 1; /* a two-byte escape */
}

/* The first pass: decode, replace invalid bytes, drop controls, escapes and
 * invisible format characters. */
static void strip(const unsigned char *s, size_t len, strbuf *out)
{
    size_t i = 0;
    while (i < len) {
        if (s[i] == 0x1B) {
            i = skip_escape(s, len, i);
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            put_cp(out, 0xFFFD);
            i++;
            continue;
        }
        i += (size_t)n;
        if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
            sb_addc(out, ' ');
            continue;
        }
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cp == 0x9B || cp == 0x9D) { /* C1 CSI / OSC: skip their payload too */
            while (i < len && !(s[i] >= 0x40 && s[i] <= 0x7E) && s[i] != 0x07)
                i++;
            if (i < len)
                i++;
            continue;
        }
        if (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
            cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO ||
            cat == UTF8PROC_CATEGORY_CN)
            continue;
        put_cp(out, cp);
    }
}

/* Fold look-alike punctuation to ASCII: curly quotes, primes, dashes. */
static utf8proc_int32_t fold_punct(utf8proc_int32_t cp)
{
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x02BC:
    case 0x02B9:
    case 0x0060:
    case 0x00B4:
    case 0xFF07: return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x00AB:
    case 0x00BB: return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212: return '-';
    default: return cp;
    }
}

/* Printable ASCII needs no decoding or normalization: only white space. */
static bool plain_ascii(const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c >= 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == '`')
            return false;
    }
    return true;
}

bool text_clean(const char *in, size_t len, size_t max, strbuf *out)
{
    sb_clear(out);
    if (len > max)
        len = max;
    if (plain_ascii(in, len)) {
        bool space = false;
        for (size_t i = 0; i < len; i++) {
            char c = in[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                space = out->len > 0;
                continue;
            }
            if (space) {
                sb_addc(out, ' ');
                space = false;
            }
            sb_addc(out, c);
        }
        if (!out->s)
            sb_addn(out, "", 0);
        return !out->oom;
    }
    strbuf tmp;
    sb_init(&tmp);
    strip((const unsigned char *)in, len, &tmp);
    if (tmp.oom) {
        sb_free(&tmp);
        return false;
    }
    utf8proc_uint8_t *nfkc = NULL;
    utf8proc_ssize_t n = 0;
    if (tmp.len) {
        n = utf8proc_map((const utf8proc_uint8_t *)tmp.s, (utf8proc_ssize_t)tmp.len, &nfkc,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        if (n < 0) {
            sb_free(&tmp);
            return false;
        }
    }
    sb_free(&tmp);
    /* Second pass: fold punctuation, collapse white space, trim. */
    bool space = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(nfkc + i, n - i, &cp);
        if (k <= 0) { /* cannot happen after utf8proc_map; be safe */
            i++;
            continue;
        }
        i += k;
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS || cp == ' ') {
            space = out->len > 0;
            continue;
        }
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_CC ||
            utf8proc_category(cp) == UTF8PROC_CATEGORY_CF)
            continue;
        if (space) {
            sb_addc(out, ' ');
            space = false;
        }
        put_cp(out, fold_punct(cp));
    }
    free(nfkc);
    if (!out->s)
        sb_addn(out, "", 0);
    return !out->oom;
}

/* Letters that look like Latin ones (small capitals, Cyrillic, Greek),
 * sorted by code point, for text_fold_lookalikes. */
static const struct {
    utf8proc_int32_t cp;
    char ascii;
} lookalikes[] = {
    {0x01EB, 'q'}, {0x0262, 'g'}, {0x026A, 'i'}, {0x0274, 'n'}, {0x0280, 'r'}, {0x028F, 'y'},
    {0x0299, 'b'}, {0x029C, 'h'}, {0x029F, 'l'}, {0x0391, 'a'}, {0x0392, 'b'}, {0x0395, 'e'},
    {0x0396, 'z'}, {0x0397, 'h'}, {0x0399, 'i'}, {0x039A, 'k'}, {0x039C, 'm'}, {0x039D, 'n'},
    {0x039F, 'o'}, {0x03A1, 'p'}, {0x03A4, 't'}, {0x03A5, 'y'}, {0x03A7, 'x'}, {0x03B1, 'a'},
    {0x03B5, 'e'}, {0x03B9, 'i'}, {0x03BA, 'k'}, {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'},
    {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'}, {0x03C9, 'w'}, {0x0405, 's'}, {0x0406, 'i'},
    {0x0408, 'j'}, {0x0410, 'a'}, {0x0412, 'b'}, {0x0415, 'e'}, {0x041A, 'k'}, {0x041C, 'm'},
    {0x041D, 'h'}, {0x041E, 'o'}, {0x0420, 'p'}, {0x0421, 'c'}, {0x0422, 't'}, {0x0423, 'y'},
    {0x0425, 'x'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043A, 'k'}, {0x043E, 'o'}, {0x0440, 'p'},
    {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0454, 'e'}, {0x0455, 's'}, {0x0456, 'i'},
    {0x0457, 'i'}, {0x0458, 'j'}, {0x0493, 'f'}, {0x04BB, 'h'}, {0x04CF, 'l'}, {0x0501, 'd'},
    {0x051B, 'q'}, {0x051D, 'w'}, {0x1D00, 'a'}, {0x1D04, 'c'}, {0x1D05, 'd'}, {0x1D07, 'e'},
    {0x1D0A, 'j'}, {0x1D0B, 'k'}, {0x1D0D, 'm'}, {0x1D0F, 'o'}, {0x1D18, 'p'}, {0x1D1B, 't'},
    {0x1D1C, 'u'}, {0x1D20, 'v'}, {0x1D21, 'w'}, {0x1D22, 'z'}, {0xA730, 'f'}, {0xA731, 's'}};

bool text_fold_lookalikes(const char *in, size_t len, strbuf *out)
{
    sb_clear(out);
    bool changed = false;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)in[i];
        if (c < 0x80) {
            sb_addc(out, (char)c);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)in + i, (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {
            sb_addc(out, (char)c);
            i++;
            continue;
        }
        size_t lo = 0, hi = sizeof lookalikes / sizeof lookalikes[0];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (lookalikes[mid].cp < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < sizeof lookalikes / sizeof lookalikes[0] && lookalikes[lo].cp == cp) {
            sb_addc(out, lookalikes[lo].ascii);
            changed = true;
        } else {
            sb_addn(out, in + i, (size_t)k);
        }
        i += (size_t)k;
    }
    return changed;
}

const char *text_for_screen(const char *in, size_t inlen, strbuf *folded, strbuf *lower,
                            size_t *len)
{
    const char *scr = in;
    *len = inlen;
    for (size_t i = 0; i < inlen; i++)
        if ((unsigned char)in[i] >= 0x80) {
            if (text_fold_lookalikes(in, inlen, folded)) {
                scr = sb_str(folded);
                *len = folded->len;
            }
            break;
        }
    sb_clear(lower);
    sb_addn(lower, scr, *len);
    for (size_t i = 0; i < lower->len; i++)
        if (lower->s[i] >= 'A' && lower->s[i] <= 'Z')
            lower->s[i] = (char)(lower->s[i] - 'A' + 'a');
    return lower->oom || folded->oom ? NULL : scr;
}

static bool word_eq(const char *s, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (m != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != w[i])
            return false;
    return true;
}

void text_fold_name(const char *s, size_t len, strbuf *out)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c))
            sb_addc(out, (char)tolower(c));
        else if (c >= 0x80)
            sb_addc(out, (char)c);
    }
}

bool text_number(const char *s, double *out)
{
    static const char *names[] = {"zero", "one",   "two",   "three", "four", "five",
                                  "six",  "seven", "eight", "nine",  "ten"};
    while (*s == ' ')
        s++;
    for (int i = 0; i <= 10; i++)
        if (word_eq(s, strlen(s), names[i])) {
            *out = i;
            return true;
        }
    /* Only plain decimals: -?digits(.digits)? with optional trailing spaces. */
    const char *p = s;
    if (*p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p);)
            p++;
    while (*p == ' ')
        p++;
    if (*p)
        return false;
    double v = strtod(s, NULL);
    *out = v;
    return true;
}
