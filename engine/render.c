/*
 * render.c - reply templates ({name}, {1}, {=name}, {name|default}) and
 * conditions on variables.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hotline.h"
#include "plan.h"
#include "render.h"
#include "text.h"

static bool name_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '-'; }

/* Find a capture of the fired rule by number or name. */
static bool capture(const dbt_session *s, const capture_ctx *cx, const char *name, size_t n,
                    const char **val, size_t *vlen)
{
    if (!cx || !cx->pat)
        return false;
    char buf[64];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, name, n);
    buf[n] = '\0';
    int g;
    if (isdigit((unsigned char)buf[0])) {
        char *end;
        long v = strtol(buf, &end, 10);
        if (*end || v < 0 || v > (long)cx->pat->ncaptures)
            return false;
        g = (int)v;
    } else {
        g = pat_group_number(cx->pat, buf);
        if (g < 0)
            return false;
    }
    size_t off, len;
    if (!pat_group(&s->w->m, (unsigned)g, &off, &len))
        return false;
    *val = cx->subject + off;
    *vlen = len;
    return true;
}

static bool lookup(const dbt_session *s, const capture_ctx *cx, const char *name, size_t n,
                   const char **val, size_t *vlen)
{
    if (capture(s, cx, name, n, val, vlen))
        return true;
    for (int i = 0; i < s->nvars; i++)
        if (strlen(s->vars[i].name) == n && !memcmp(s->vars[i].name, name, n)) {
            *val = s->vars[i].value;
            *vlen = strlen(*val);
            return true;
        }
    return false;
}

static const char *const module_titles[][2] = {
    {"mindfulness", "Mindfulness"},
    {"distress-tolerance", "Distress tolerance"},
    {"emotion-regulation", "Emotion regulation"},
    {"interpersonal-effectiveness", "Interpersonal effectiveness"},
    {"tools", "Tools"},
};

static void render_menu(const dbt_engine *e, strbuf *out)
{
    for (size_t m = 0; m < sizeof module_titles / sizeof module_titles[0]; m++) {
        bool any = false;
        for (int i = 0; i < e->nskills; i++) {
            if (strcmp(e->skills[i].module, module_titles[m][0]) != 0)
                continue;
            sb_adds(out, any ? "; " : m ? "\n- " : "- ");
            if (!any) {
                sb_adds(out, module_titles[m][1]);
                sb_adds(out, ": ");
            }
            sb_adds(out, e->skills[i].title);
            any = true;
        }
    }
}

static bool is(const char *name, size_t n, const char *w)
{
    return strlen(w) == n && !memcmp(name, w, n);
}

void render_template(dbt_session *s, const char *t, const capture_ctx *cx, bool reflect,
                     strbuf *out)
{
    const dbt_engine *e = s->e;
    for (size_t i = 0; t[i]; i++) {
        if ((t[i] == '{' && t[i + 1] == '{') || (t[i] == '}' && t[i + 1] == '}')) {
            sb_addc(out, t[i++]);
            continue;
        }
        if (t[i] != '{') {
            size_t j = i + 1;
            while (t[j] && t[j] != '{' && t[j] != '}')
                j++;
            sb_addn(out, t + i, j - i);
            i = j - 1;
            continue;
        }
        size_t a = i + 1;
        bool raw = t[a] == '=';
        if (raw)
            a++;
        size_t b = a;
        while (name_char(t[b]))
            b++;
        const char *def = NULL;
        size_t deflen = 0, c = b;
        if (t[c] == '|') {
            def = t + c + 1;
            while (t[c] && t[c] != '}')
                c++;
            deflen = (size_t)(t + c - def);
        }
        if (t[c] != '}') { /* malformed: the loader rejects it; show it as text */
            sb_addc(out, t[i]);
            continue;
        }
        const char *name = t + a;
        size_t n = b - a;
        i = c;
        const char *val;
        size_t vlen;
        if (lookup(s, cx, name, n, &val, &vlen) && vlen) {
            if (reflect && !raw) {
                /* Nothing but hedges ("um", "i guess"): the default, if any. */
                size_t at = out->len;
                if (!text_reflect(val, vlen, out) && def && out->s && out->len >= at) {
                    out->len = at;
                    out->s[at] = '\0';
                    sb_addn(out, def, deflen);
                }
            } else
                sb_addn(out, val, vlen);
        } else if (is(name, n, "menu")) {
            render_menu(e, out);
        } else if (is(name, n, "skill")) {
            if (s->mode == MODE_SKILL)
                sb_adds(out, e->skills[s->skill].title);
        } else if (is(name, n, "title") && cx && cx->about >= 0) {
            sb_adds(out, e->skills[cx->about].title);
        } else if (is(name, n, "scope")) {
            sb_adds(out, e->coach.scope);
        } else if (is(name, n, "hotline")) {
            /* After a crisis reply, the services for what was disclosed. */
            bool after = s->mode == MODE_FOLLOWUP || s->mode == MODE_CHECKIN;
            int cat = cx && cx->category >= 0 ? cx->category : after ? s->last_cat : -1;
            /* In the language of what was disclosed, while that lasts. */
            const hotline_words *w = (after || (cx && cx->category >= 0)) && s->lang > 0
                                         ? &e->crisis.langs[s->lang - 1].words
                                         : &e->crisis.words;
            plan_crisis_block(s, out); /* the person's own plan first, never instead */
            hotline_block(e, s->region, cat, w, out);
            s->reply.hotlines = 1;
        } else if (is(name, n, "emergency")) {
            sb_adds(out, e->regions[s->region].emergency);
        } else if (def) {
            sb_addn(out, def, deflen);
        }
    }
}

static bool value_of(dbt_session *s, const capture_ctx *cx, const char *name, strbuf *out)
{
    const char *val;
    size_t vlen;
    sb_clear(out);
    if (!lookup(s, cx, name, strlen(name), &val, &vlen))
        return false;
    sb_addn(out, val, vlen);
    return true;
}

bool cond_eval(dbt_session *s, const cond *c, const capture_ctx *cx)
{
    strbuf l, r;
    sb_init(&l);
    sb_init(&r);
    bool all = true;
    for (int i = 0; i < c->n && all; i++) {
        const cond_term *t = &c->t[i];
        bool have = value_of(s, cx, t->lhs, &l) && l.len > 0;
        if (t->op == OP_TRUTHY) {
            all = have != t->negate;
            continue;
        }
        if (!have) {
            all = false;
            continue;
        }
        if (!value_of(s, cx, t->rhs, &r) || r.len == 0) {
            if (t->rhs_var) { /* compared with something never set: no */
                all = false;
                continue;
            }
            sb_clear(&r);
            sb_adds(&r, t->rhs);
        }
        double x, y;
        int cmp;
        if (text_number(sb_str(&l), &x) && text_number(sb_str(&r), &y))
            cmp = x < y ? -1 : x > y;
        else
            cmp = strcasecmp(sb_str(&l), sb_str(&r));
        switch (t->op) {
        case OP_EQ: all = cmp == 0; break;
        case OP_NE: all = cmp != 0; break;
        case OP_LT: all = cmp < 0; break;
        case OP_LE: all = cmp <= 0; break;
        case OP_GT: all = cmp > 0; break;
        case OP_GE: all = cmp >= 0; break;
        case OP_TRUTHY: break;
        }
    }
    sb_free(&l);
    sb_free(&r);
    return all;
}
