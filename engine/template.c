/*
 * template.c - the syntax of reply templates ({name}, {=name}, {name|words},
 * {{ and }}), checked at load time. It renders nothing (render.c does).
 */
#include <ctype.h>

#include "template.h"

static bool name_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

bool tmpl_validate(const char *t, size_t *off, const char **msg,
                   void (*use)(void *ud, const char *name, size_t len), void *ud)
{
    for (size_t i = 0; t[i]; i++) {
        if (t[i] == '}') {
            if (t[i + 1] == '}') {
                i++;
                continue;
            }
            *off = i;
            *msg = "a lone '}' in text: write '}}' for a literal brace";
            return false;
        }
        if (t[i] != '{')
            continue;
        if (t[i + 1] == '{') {
            i++;
            continue;
        }
        size_t a = i + 1;
        if (t[a] == '=')
            a++;
        size_t b = a;
        while (name_char(t[b]))
            b++;
        if (b == a) {
            *off = i;
            *msg = "'{' must start a variable like {name} (write '{{' for a literal brace)";
            return false;
        }
        if (use)
            use(ud, t + a, b - a);
        if (t[b] == '|') {
            while (t[b] && t[b] != '}' && t[b] != '{')
                b++;
        }
        if (t[b] != '}') {
            *off = i;
            *msg = "unclosed '{': a variable looks like {name} or {name|words if unset}";
            return false;
        }
        i = b;
    }
    return true;
}
