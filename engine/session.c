/*
 * session.c - sessions: creation, variables, and save/restore as JSON.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plan_clean.h"
#include "session.h"

enum { STATE_VERSION = 1 };

const char *dbt_version(void) { return DBT_VERSION_STRING; }

void dbt_free(void *p) { mem_free(p); }

static int pick_region(const dbt_engine *e, const char *code)
{
    int r = code && *code ? model_find_region(e, code) : -1;
    return r >= 0 ? r : e->fallback_region;
}

dbt_session *dbt_session_new(const dbt_engine *e, const char *region)
{
    if (!e)
        return NULL;
    dbt_session *s = mem_alloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->e = e;
    s->region = pick_region(e, region);
    s->mode = MODE_COACH;
    s->skill = s->step = -1;
    s->last_cat = -1;
    return s;
}

void session_clear_vars(dbt_session *s)
{
    for (int i = 0; i < s->nvars; i++) {
        mem_free(s->vars[i].name);
        mem_free(s->vars[i].value);
    }
    s->nvars = 0;
    mem_free(s->vars);
    s->vars = NULL;
    s->capvars = 0;
}

bool session_set_offer(dbt_session *s, const char *const *v, int n)
{
    for (int i = 0; i < s->noffer; i++)
        mem_free(s->offer[i]);
    s->noffer = 0;
    s->offer_src = v;
    for (int i = 0; i < n && i < SESSION_MAX_OFFER; i++) {
        s->offer[i] = mem_strndup(v[i], strlen(v[i]));
        if (!s->offer[i])
            return false;
        s->noffer++;
    }
    return true;
}

void dbt_session_free(dbt_session *s)
{
    if (!s)
        return;
    session_clear_vars(s);
    session_set_offer(s, NULL, 0);
    json_decref(s->plan);
    mem_free(s->record);
    sb_free(&s->out);
    mem_free(s);
}

const char *dbt_session_set_region(dbt_session *s, const char *region)
{
    if (!s)
        return NULL;
    s->region = pick_region(s->e, region);
    return s->e->regions[s->region].code;
}

const char *session_var(const dbt_session *s, const char *name)
{
    for (int i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name))
            return s->vars[i].value;
    return NULL;
}

/* Cut `n` down to at most `max` bytes without splitting a UTF-8 character. */
static size_t utf8_cut(const char *v, size_t n, size_t max)
{
    if (n <= max)
        return n;
    n = max;
    while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
        n--;
    return n;
}

bool session_set_var(dbt_session *s, const char *name, const char *value)
{
    size_t n = utf8_cut(value, strlen(value), SESSION_MAX_VALUE);
    char *v = mem_strndup(value, n);
    if (!v) {
        s->oom = true;
        return false;
    }
    for (int i = 0; i < s->nvars; i++)
        if (!strcmp(s->vars[i].name, name)) {
            mem_free(s->vars[i].value);
            s->vars[i].value = v;
            return true;
        }
    if (s->nvars == SESSION_MAX_VARS) {
        mem_free(v);
        return false;
    }
    if (s->nvars == s->capvars) {
        int cap = s->capvars ? s->capvars * 2 : 4;
        var *nv = mem_realloc(s->vars, (size_t)cap * sizeof *nv);
        if (!nv) {
            mem_free(v);
            s->oom = true;
            return false;
        }
        s->vars = nv;
        s->capvars = cap;
    }
    char *nm = mem_strndup(name, strlen(name));
    if (!nm) {
        mem_free(v);
        s->oom = true;
        return false;
    }
    s->vars[s->nvars].name = nm;
    s->vars[s->nvars].value = v;
    s->nvars++;
    return true;
}

static const char *mode_names[] = {"coach", "skill", "followup", "checkin"};

static json_t *frame_json(const dbt_engine *e, frame f)
{
    const skill *sk = &e->skills[f.skill];
    return json_pack("[ss]", sk->id, sk->steps[f.step].id);
}

char *dbt_session_save(const dbt_session *s)
{
    if (!s)
        return NULL;
    const dbt_engine *e = s->e;
    json_t *root = json_object();
    json_t *vars = json_object();
    json_t *stack = json_array();
    json_t *hist = json_array();
    char *out = NULL;
    if (!root || !vars || !stack || !hist)
        goto done;
    for (int i = 0; i < s->nvars; i++)
        json_object_set_new(vars, s->vars[i].name, json_string(s->vars[i].value));
    for (int i = 0; i < s->depth; i++)
        json_array_append_new(stack, frame_json(e, s->stack[i]));
    for (int i = 0; i < s->nhistory; i++)
        json_array_append_new(hist, frame_json(e, s->history[i]));
    json_object_set_new(root, "v", json_integer(STATE_VERSION));
    json_object_set_new(root, "region", json_string(e->regions[s->region].code));
    json_object_set_new(root, "mode", json_string(mode_names[s->mode]));
    if (s->mode == MODE_SKILL || (s->mode == MODE_CHECKIN && s->skill >= 0)) {
        json_object_set_new(root, "skill", json_string(e->skills[s->skill].id));
        json_object_set_new(root, "step", json_string(e->skills[s->skill].steps[s->step].id));
    }
    json_object_set(root, "stack", stack);
    json_object_set(root, "history", hist);
    json_object_set(root, "vars", vars);
    json_object_set_new(root, "n", json_integer((json_int_t)s->counter));
    if (s->plan)
        json_object_set(root, "plan", s->plan);
    if (s->last_cat >= 0)
        json_object_set_new(root, "crisis", json_string(e->crisis.cats[s->last_cat].id));
    if (s->lang > 0)
        json_object_set_new(root, "lang", json_string(e->crisis.langs[s->lang - 1].code));
    if (s->checkin_tries)
        json_object_set_new(root, "tries", json_integer(s->checkin_tries));
    if (s->asked)
        json_object_set_new(root, "asked", json_true());
    if (s->stuck)
        json_object_set_new(root, "stuck", json_integer(s->stuck));
    if (s->ended)
        json_object_set_new(root, "ended", json_true());
    if (s->noffer) {
        json_t *offer = json_array();
        for (int i = 0; i < s->noffer; i++)
            json_array_append_new(offer, json_string(s->offer[i]));
        json_object_set_new(root, "offer", offer);
    }
    {
        char *js = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
        if (js) {
            out = mem_strndup(js, strlen(js));
            free(js);
        }
    }
done:
    json_decref(root);
    json_decref(vars);
    json_decref(stack);
    json_decref(hist);
    return out;
}

static dbt_session *fail(dbt_session *s, dbt_error *err, const char *fmt, const char *arg)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->status = DBT_ERR_STATE;
        snprintf(err->message, sizeof err->message, fmt, arg ? arg : "");
    }
    dbt_session_free(s);
    return NULL;
}

/* A [skill, step] pair into a frame; false when it names nothing loaded. */
static bool frame_from(const dbt_engine *e, json_t *j, frame *f)
{
    if (!json_is_array(j) || json_array_size(j) != 2)
        return false;
    const char *sk = json_string_value(json_array_get(j, 0));
    const char *st = json_string_value(json_array_get(j, 1));
    if (!sk || !st)
        return false;
    int k = model_find_skill(e, sk);
    if (k < 0)
        return false;
    int n = model_find_step(&e->skills[k], st);
    f->skill = (int16_t)k;
    f->step = (int16_t)n;
    return n >= 0;
}

dbt_session *dbt_session_restore(const dbt_engine *e, const char *js, dbt_error *err)
{
    if (!e || !js)
        return fail(NULL, err, "%s", "no engine or no saved state given");
    json_error_t jerr;
    json_t *root = json_loads(js, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return fail(NULL, err, "saved session is not valid JSON: %s", jerr.text);
    dbt_session *s = dbt_session_new(e, NULL);
    if (!s) {
        json_decref(root);
        if (err) {
            memset(err, 0, sizeof *err);
            err->status = DBT_ERR_NOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return NULL;
    }
    const char *why = NULL;
    const char *arg = NULL;
    json_t *v = json_object_get(root, "v");
    const char *mode = json_string_value(json_object_get(root, "mode"));
    json_t *region = json_object_get(root, "region");
    json_t *stack = json_object_get(root, "stack");
    json_t *hist = json_object_get(root, "history");
    json_t *vars = json_object_get(root, "vars");
    json_t *n = json_object_get(root, "n");
    if (!json_is_object(root))
        why = "saved session must be a JSON object";
    else if (!json_is_integer(v))
        why = "saved session has no version ('v')";
    else if (json_integer_value(v) > STATE_VERSION)
        why = "saved session comes from a newer version of dbtcoach";
    else if (json_integer_value(v) < 1)
        why = "saved session has an unknown version";
    else if (!mode)
        why = "saved session has no 'mode'";
    else if (region && !json_is_string(region))
        why = "'region' must be a string";
    else if (stack && !json_is_array(stack))
        why = "'stack' must be a list";
    else if (hist && !json_is_array(hist))
        why = "'history' must be a list";
    else if (vars && !json_is_object(vars))
        why = "'vars' must be an object";
    else if (n && !json_is_integer(n))
        why = "'n' must be a number";
    if (why)
        goto bad;
    s->region = pick_region(e, json_string_value(region));
    s->counter = n ? (unsigned long)json_integer_value(n) : 0;
    s->ended = json_is_true(json_object_get(root, "ended"));
    json_t *cat = json_object_get(root, "crisis");
    if (cat) {
        const char *id = json_string_value(cat);
        for (int c = 0; id && c < e->crisis.ncats; c++)
            if (!strcmp(e->crisis.cats[c].id, id))
                s->last_cat = c;
        if (s->last_cat < 0) {
            why = "'crisis' names no crisis category of this coach";
            goto bad;
        }
    }
    const char *lang = json_string_value(json_object_get(root, "lang"));
    for (int l = 0; lang && l < e->crisis.nlangs; l++)
        if (!strcmp(e->crisis.langs[l].code, lang))
            s->lang = l + 1;
    s->checkin_tries = json_integer_value(json_object_get(root, "tries")) > 0;
    s->asked = json_is_true(json_object_get(root, "asked"));
    json_int_t stuck = json_integer_value(json_object_get(root, "stuck"));
    s->stuck = stuck > 0 && stuck < 100 ? (int)stuck : 0;
    json_t *offer = json_object_get(root, "offer");
    if (offer) {
        const char *ov[SESSION_MAX_OFFER];
        int no = 0;
        bool ok = json_is_array(offer) && json_array_size(offer) <= SESSION_MAX_OFFER;
        for (size_t i = 0; ok && i < json_array_size(offer); i++) {
            ov[no] = json_string_value(json_array_get(offer, i));
            ok = ov[no] && strlen(ov[no]) <= SESSION_MAX_VALUE;
            no++;
        }
        if (!ok) {
            why = "'offer' must be a short list of short strings";
            goto bad;
        }
        if (!session_set_offer(s, ov, no)) {
            why = "out of memory";
            goto bad;
        }
        s->offer_src = NULL;
    }
    const char *sk = json_string_value(json_object_get(root, "skill"));
    if (!strcmp(mode, "coach"))
        s->mode = MODE_COACH;
    else if (!strcmp(mode, "followup"))
        s->mode = MODE_FOLLOWUP;
    else if (!strcmp(mode, "skill") || (!strcmp(mode, "checkin") && sk)) {
        s->mode = strcmp(mode, "skill") != 0 ? MODE_CHECKIN : MODE_SKILL;
        const char *st = json_string_value(json_object_get(root, "step"));
        if (!sk || !st) {
            why = "a session in a skill needs 'skill' and 'step'";
            goto bad;
        }
        s->skill = model_find_skill(e, sk);
        if (s->skill < 0) {
            why = "saved session is in a skill this coach does not have: %s";
            arg = sk;
            goto bad;
        }
        s->step = model_find_step(&e->skills[s->skill], st);
        if (s->step < 0) {
            why = "saved session is at a step this skill does not have: %s";
            arg = st;
            goto bad;
        }
    } else if (!strcmp(mode, "checkin")) {
        s->mode = MODE_CHECKIN;
    } else {
        why = "unknown 'mode': %s";
        arg = mode;
        goto bad;
    }
    if (stack) {
        if (json_array_size(stack) > SESSION_MAX_STACK) {
            why = "'stack' is too deep";
            goto bad;
        }
        for (size_t i = 0; i < json_array_size(stack); i++)
            if (!frame_from(e, json_array_get(stack, i), &s->stack[s->depth++])) {
                why = "'stack' names a skill or step this coach does not have";
                goto bad;
            }
    }
    if (hist) {
        if (json_array_size(hist) > SESSION_MAX_HISTORY) {
            why = "'history' is too long";
            goto bad;
        }
        for (size_t i = 0; i < json_array_size(hist); i++)
            if (!frame_from(e, json_array_get(hist, i), &s->history[s->nhistory++])) {
                why = "'history' names a skill or step this coach does not have";
                goto bad;
            }
    }
    if (vars) {
        if (json_object_size(vars) > SESSION_MAX_VARS) {
            why = "too many variables";
            goto bad;
        }
        const char *key;
        json_t *val;
        json_object_foreach(vars, key, val)
        {
            if (!json_is_string(val)) {
                why = "variable '%s' must be a string";
                arg = key;
                goto bad;
            }
            if (!session_set_var(s, key, json_string_value(val))) {
                why = "out of memory";
                goto bad;
            }
        }
    }
    /* A damaged plan is dropped, never an error: the rest of the state
     * still holds and crisis replies fall back to the crisis lines alone. */
    json_t *jplan = json_object_get(root, "plan");
    const char *pbad;
    s->plan = jplan ? plan_clean(jplan, &pbad) : NULL;
    json_decref(root);
    return s;
bad : {
    char msg[256];
    snprintf(msg, sizeof msg, why, arg ? arg : "");
    json_decref(root);
    return fail(s, err, "%s", msg);
}
}
