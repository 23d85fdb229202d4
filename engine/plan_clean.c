/*
 * plan_clean.c - checking and cleaning a safety plan given as JSON, for
 * dbt_session_set_plan and for restoring saved state alike. It knows
 * nothing of sessions, so both plan.c and session.c can use it.
 */
#include <string.h>

#include "plan_clean.h"
#include "text.h"

const char *const plan_parts[] = {"warning_signs", "coping", "distractions", "people",
                                  "professionals", "safer",  "reasons",      NULL};

/* A string of the plan, cleaned like input; NULL when out of memory. */
static json_t *clean_string(const char *v)
{
    strbuf b;
    sb_init(&b);
    if (!text_clean(v, strlen(v), (size_t)PLAN_MAX_TEXT * 4, &b)) {
        sb_free(&b);
        return NULL;
    }
    size_t n = b.len;
    if (n > PLAN_MAX_TEXT) {
        n = PLAN_MAX_TEXT;
        while (n > 0 && ((unsigned char)b.s[n] & 0xC0) == 0x80)
            n--;
    }
    json_t *j = json_stringn(sb_str(&b), n);
    sb_free(&b);
    return j;
}

/* One person to call: {"name":..,"phone":..}, or a string (a name alone). */
static json_t *clean_person(json_t *p, const char **bad)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    if (json_is_string(p)) {
        json_object_set_new(o, "name", clean_string(json_string_value(p)));
        return o;
    }
    const char *k;
    json_t *v;
    json_object_foreach(p, k, v)
    {
        if ((strcmp(k, "name") != 0 && strcmp(k, "phone") != 0) || !json_is_string(v)) {
            *bad = "each of \"people\" is {\"name\": text, \"phone\": text}";
            json_decref(o);
            return NULL;
        }
        json_object_set_new(o, k, clean_string(json_string_value(v)));
    }
    return o;
}

json_t *plan_clean(json_t *in, const char **bad)
{
    *bad = NULL;
    if (!json_is_object(in)) {
        *bad = "a plan must be a JSON object";
        return NULL;
    }
    json_t *out = json_object();
    const char *key;
    json_t *val;
    json_object_foreach(in, key, val)
    {
        bool known = false;
        for (const char *const *p = plan_parts; *p; p++)
            known |= !strcmp(*p, key);
        bool people = !strcmp(key, "people");
        if (!known) {
            *bad = "unknown part of a plan (warning_signs, coping, distractions, people, "
                   "professionals, safer, reasons)";
        } else if (!json_is_array(val) || json_array_size(val) > PLAN_MAX_ITEMS) {
            *bad = "each part of a plan is a list of at most 20 entries";
        }
        json_t *list = *bad ? NULL : json_array();
        size_t i;
        json_t *item;
        json_array_foreach(val, i, item)
        {
            if (!list)
                break;
            json_t *c = NULL;
            if (people && (json_is_object(item) || json_is_string(item)))
                c = clean_person(item, bad);
            else if (!people && json_is_string(item))
                c = clean_string(json_string_value(item));
            else
                *bad = people ? "each of \"people\" is {\"name\": text, \"phone\": text}"
                              : "each entry of a plan is a text";
            if (!c || json_array_append_new(list, c) != 0) {
                json_decref(list);
                list = NULL;
            }
        }
        if (!out || !list || json_object_set_new(out, key, list) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    return out;
}
