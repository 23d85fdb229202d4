/*
 * record.c - the record of an exercise, the diary card or the safety-plan
 * builder, made on the turn it ends: what was practised, the ratings before
 * and after (from variables named NAME_before and NAME_after) and every
 * answer, as one JSON object the front end may keep. Nothing is stored here.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "plan_clean.h"
#include "record.h"
#include "text.h"

void record_clear(dbt_session *s)
{
    mem_free(s->record);
    s->record = NULL;
}

static bool ends_with(const char *s, const char *tail, size_t *stem)
{
    size_t n = strlen(s), t = strlen(tail);
    if (n <= t || strcmp(s + n - t, tail) != 0)
        return false;
    *stem = n - t;
    return true;
}

/* A rating as a number when it reads as one, else as the text typed. */
static json_t *rating(const char *v)
{
    double d;
    if (text_number(v, &d))
        return d == (double)(json_int_t)d ? json_integer((json_int_t)d) : json_real(d);
    return json_string(v);
}

static const char *kind_of(const skill *sk)
{
    if (!strcmp(sk->id, PLAN_SKILL))
        return "plan";
    if (!strcmp(sk->id, "diary-card"))
        return "diary";
    return "practice";
}

void record_skill_end(dbt_session *s)
{
    if (s->mode != MODE_SKILL || s->skill < 0)
        return;
    const skill *sk = &s->e->skills[s->skill];
    const char *kind = kind_of(sk);
    json_t *o = json_object(), *before = json_object(), *after = json_object();
    json_t *answers = json_object();
    if (!o || !before || !after || !answers) {
        json_decref(o);
        json_decref(before);
        json_decref(after);
        json_decref(answers);
        return;
    }
    for (int i = 0; i < s->nvars; i++) {
        const var *v = &s->vars[i];
        size_t stem;
        char key[64];
        json_object_set_new(answers, v->name, json_string(v->value));
        if (ends_with(v->name, "_before", &stem) && stem < sizeof key) {
            memcpy(key, v->name, stem);
            key[stem] = '\0';
            json_object_set_new(before, key, rating(v->value));
        } else if (ends_with(v->name, "_after", &stem) && stem < sizeof key) {
            memcpy(key, v->name, stem);
            key[stem] = '\0';
            json_object_set_new(after, key, rating(v->value));
        }
    }
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "skill", json_string(sk->id));
    json_object_set_new(o, "title", json_string(sk->title));
    json_object_set_new(o, "module", json_string(sk->module));
    json_object_set_new(o, "before", before);
    json_object_set_new(o, "after", after);
    json_object_set_new(o, "answers", answers);
    if (!strcmp(kind, "plan")) {
        json_t *p = plan_from_vars(s);
        /* When the person asked for the plan to be kept, the session keeps
         * it too (and so its saved state), so the next crisis reply in this
         * session shows it whatever the front end does with the record. A
         * plan they did not want kept is shown once and left out of state,
         * which a server's store might write to disk. */
        const char *keep = session_var(s, "keep");
        if (p) {
            const char *bad;
            json_t *own = keep && !strcmp(keep, "yes") ? plan_clean(p, &bad) : NULL;
            if (own) {
                json_decref(s->plan);
                s->plan = own;
            }
            json_object_set_new(o, "plan", p);
        }
    }
    char *txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!txt)
        return;
    record_clear(s);
    s->record = mem_strndup(txt, strlen(txt));
    free(txt);
    s->reply.record = s->record;
}
