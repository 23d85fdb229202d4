/*
 * plan.c - the person's own safety plan in a session. The front end gives
 * it (dbt_session_set_plan) and keeps it; the engine cleans every string
 * like input, shows a short part of it before the crisis lines, seeds the
 * plan builder with it, and turns the builder's answers back into a plan.
 */
#include <stdio.h>
#include <string.h>

#include "dbtcoach.h"
#include "plan.h"
#include "plan_clean.h"
#include "text.h"

static void set_err(dbt_error *err, dbt_status st, const char *msg, const char *what)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->status = st;
    snprintf(err->message, sizeof err->message, msg, what ? what : "");
}

int dbt_session_set_plan(dbt_session *s, const char *plan_json, dbt_error *err)
{
    if (!s) {
        set_err(err, DBT_ERR_ARG, "no session%s", NULL);
        return DBT_ERR_ARG;
    }
    if (!plan_json) {
        plan_free(s);
        return DBT_OK;
    }
    json_error_t jerr;
    json_t *in = json_loads(plan_json, JSON_REJECT_DUPLICATES, &jerr);
    if (!in) {
        set_err(err, DBT_ERR_ARG, "malformed plan JSON: %s", jerr.text);
        return DBT_ERR_ARG;
    }
    const char *bad;
    json_t *p = plan_clean(in, &bad);
    json_decref(in);
    if (!p) {
        set_err(err, bad ? DBT_ERR_ARG : DBT_ERR_NOMEM, "%s", bad ? bad : "out of memory");
        return bad ? DBT_ERR_ARG : DBT_ERR_NOMEM;
    }
    plan_free(s);
    s->plan = p;
    return DBT_OK;
}

void plan_free(dbt_session *s)
{
    json_decref(s->plan);
    s->plan = NULL;
}

/* "name (phone)" or "name" or "phone". */
static void add_person(strbuf *out, json_t *p)
{
    const char *name = json_string_value(json_object_get(p, "name"));
    const char *phone = json_string_value(json_object_get(p, "phone"));
    if (name && *name && phone && *phone)
        sb_printf(out, "%s (%s)", name, phone);
    else
        sb_adds(out, name && *name ? name : phone ? phone : "");
}

/* The entries of part `key` joined by `sep`, at most `max` of them;
 * false when there are none. */
static bool add_list(strbuf *out, json_t *plan, const char *key, const char *sep, size_t max)
{
    json_t *list = json_object_get(plan, key);
    size_t i, n = 0;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        if (n == max)
            break;
        if (json_is_string(item) && !*json_string_value(item))
            continue;
        if (n++)
            sb_adds(out, sep);
        if (json_is_object(item))
            add_person(out, item);
        else
            sb_adds(out, json_string_value(item));
    }
    return n > 0;
}

void plan_crisis_block(const dbt_session *s, strbuf *out)
{
    json_t *p = s->plan;
    if (!p)
        return;
    static const struct {
        const char *key, *label;
        size_t max;
    } lines[] = {
        {"reasons", "- Your reasons for living: ", 3},
        {"people", "- People you said you can call: ", 3},
        {"coping", "- One thing from your plan you can do now: ", 1},
    };
    size_t start = out->len;
    bool any = false;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t at = out->len;
        sb_adds(out, any ? "\n" : "From your own safety plan:\n");
        sb_adds(out, lines[i].label);
        if (add_list(out, p, lines[i].key, "; ", lines[i].max)) {
            any = true;
        } else {
            out->len = at;
            out->s[at] = '\0';
        }
    }
    if (any)
        sb_adds(out, "\n\n");
    else if (out->s) {
        out->len = start;
        out->s[start] = '\0';
    }
}

void plan_seed(dbt_session *s, int sk)
{
    if (!s->plan || strcmp(s->e->skills[sk].id, PLAN_SKILL) != 0)
        return;
    strbuf b;
    sb_init(&b);
    for (const char *const *k = plan_parts; *k; k++) {
        sb_clear(&b);
        json_t *list = json_object_get(s->plan, *k);
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item)
        {
            if (i)
                sb_adds(&b, "; ");
            if (json_is_object(item)) {
                const char *name = json_string_value(json_object_get(item, "name"));
                const char *phone = json_string_value(json_object_get(item, "phone"));
                sb_printf(&b, "%s%s%s", name ? name : "", name && phone ? " " : "",
                          phone ? phone : "");
            } else {
                sb_adds(&b, json_string_value(item));
            }
        }
        if (b.len)
            session_set_var(s, *k, sb_str(&b));
    }
    session_set_var(s, "have_plan", "yes");
    sb_free(&b);
}

static bool is_phone_char(char c)
{
    return (c >= '0' && c <= '9') || c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' ||
           c == '.';
}

/* "Sam 0123 456" -> {"name":"Sam","phone":"0123 456"}: the phone is the
 * trailing run of digits and separators, when it has three digits or more. */
static json_t *parse_person(const char *v, size_t n)
{
    size_t k = n, digits = 0;
    while (k > 0 && is_phone_char(v[k - 1]))
        digits += v[--k] >= '0' && v[k] <= '9';
    if (digits < 3)
        k = n;
    size_t ne = k, ps = k;
    while (ne > 0 && (v[ne - 1] == ' ' || v[ne - 1] == ':' || v[ne - 1] == '-'))
        ne--;
    while (ps < n && (v[ps] == ' ' || v[ps] == '-' || v[ps] == '.'))
        ps++;
    json_t *o = json_object();
    if (ne)
        json_object_set_new(o, "name", json_stringn(v, ne));
    if (ps < n)
        json_object_set_new(o, "phone", json_stringn(v + ps, n - ps));
    return o;
}

json_t *plan_from_vars(const dbt_session *s)
{
    json_t *plan = json_object();
    for (const char *const *k = plan_parts; plan && *k; k++) {
        const char *v = session_var(s, *k);
        json_t *list = json_array();
        if (!list)
            break;
        while (v && *v) {
            size_t n = strcspn(v, ";,\n");
            const char *a = v, *b = v + n;
            while (a < b && *a == ' ')
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '.'))
                b--;
            if (b > a && json_array_size(list) < PLAN_MAX_ITEMS)
                json_array_append_new(list, !strcmp(*k, "people")
                                                ? parse_person(a, (size_t)(b - a))
                                                : json_stringn(a, (size_t)(b - a)));
            v += n + (v[n] != '\0');
        }
        json_object_set_new(plan, *k, list);
    }
    return plan;
}
