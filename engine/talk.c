/*
 * talk.c - what people say to the coach that is not an answer to the
 * step: "why?", "what do you mean?", "idk", "something else", "thanks",
 * "sorry", "lol", "ok", and a rating in words ("really bad"). The patterns
 * are the engine's defaults or coach.yaml's `talk:` (load_coach.c); the
 * texts are the step's own (why:, rephrase:, hint:) or the coach's. A step
 * whose own rule reads the message keeps its meaning: "not sure" at a
 * health check, "2" at a rating, "ok" where the step says "say ok".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "choice.h"
#include "talk.h"
#include "text.h"

enum { MAX_OTHERS = 3 };

static bool matches(dbt_session *s, const pattern *p, const char *t, size_t len)
{
    return p && pat_match(p, t, len, 0, &s->w->m) == PM_MATCH;
}

static bool said(dbt_session *s, talk_kind k)
{
    const talk *t = &s->e->coach.talk[k];
    return matches(s, t->match, s->w->in.s, s->w->in.len);
}

/* Does `p` read anything at all (a catch-all such as "(?<answer>.+)")? */
static bool catch_all(dbt_session *s, const pattern *p)
{
    static const char nonsense[] = "zqx vorblen quiv";
    return matches(s, p, nonsense, sizeof nonsense - 1);
}

/* Is any pattern of rule `r` a catch-all? */
static bool rule_catch_all(dbt_session *s, const rule *r)
{
    for (int k = 0; k < r->npats; k++)
        if (catch_all(s, r->pats[k]))
            return true;
    return false;
}

bool talk_step_reads(dbt_session *s)
{
    if (s->mode != MODE_SKILL)
        return false;
    const step *st = flow_step(s);
    for (int i = 0; i < st->nrules; i++)
        for (int k = 0; k < st->rules[i].npats; k++) {
            const pattern *p = st->rules[i].pats[k];
            if (matches(s, p, s->w->in.s, s->w->in.len) && !catch_all(s, p))
                return true; /* it reads this, and is no catch-all */
        }
    return false;
}

bool talk_step_claims(dbt_session *s)
{
    if (s->mode != MODE_SKILL)
        return false;
    const step *st = flow_step(s);
    const char *in = s->w->in.s;
    size_t n = s->w->in.len;
    while (n && strchr(".!? ", in[n - 1]))
        n--;
    for (int i = 0; i < st->nrules; i++) {
        const rule *r = &st->rules[i];
        for (int x = 0; x < r->nexamples; x++) {
            const char *ex = r->examples[x];
            size_t en = strlen(ex);
            while (en && strchr(".!? ", ex[en - 1]))
                en--;
            if (en == n && strncasecmp(ex, in, n) == 0 && !rule_catch_all(s, r))
                return true;
        }
    }
    return false;
}

/* Does an example answer of the step's rules say the same kind of thing
 * (`p` matches it: "not sure" listed as an answer)? Then the author reads it
 * as an answer there. */
static bool example_of_step(dbt_session *s, const pattern *p)
{
    const step *st = flow_step(s);
    for (int i = 0; i < st->nrules; i++)
        for (int x = 0; x < st->rules[i].nexamples; x++) {
            const char *ex = st->rules[i].examples[x];
            if (matches(s, p, ex, strlen(ex)))
                return true;
        }
    return false;
}

/* The author reads this kind of talk as an answer at this step: a rule
 * that is no catch-all lists such words among its examples ("nothing",
 * "I don't know" for "skip this one"). Say it in that example's words, so
 * "can't think of anything" goes where "I don't know" goes instead of being
 * stored by a catch-all. True when the input was replaced. */
static bool as_authors_answer(dbt_session *s, const pattern *p)
{
    const step *st = flow_step(s);
    for (int i = 0; i < st->nrules; i++) {
        const rule *r = &st->rules[i];
        if (rule_catch_all(s, r))
            continue;
        for (int x = 0; x < r->nexamples; x++) {
            const char *ex = r->examples[x];
            if (matches(s, p, ex, strlen(ex))) {
                sb_clear(&s->w->in);
                sb_adds(&s->w->in, ex);
                return true;
            }
        }
    }
    return false;
}

/* Would the rule that takes this message store it as the person's words
 * (a catch-all that sets a variable from what was typed), or does no rule
 * take it at all? "ok" at a step that only waits for "go on" is a fine
 * answer; at "how do you feel?" it is not one. */
static bool stored_as_answer(dbt_session *s)
{
    const step *st = flow_step(s);
    capture_ctx cx;
    const rule *r = flow_first_rule(s, st->rules, st->nrules, st->rx, -1, &cx, NULL);
    if (!r)
        return true; /* no rule takes "k" at all: talk, not a fallback */
    for (int i = 0; i < r->nsets; i++)
        if (strchr(r->sets[i].tmpl, '{'))
            return true;
    return false;
}

bool talk_other_offer(dbt_session *s)
{
    const char *last = s->noffer ? s->offer[s->noffer - 1] : NULL;
    return last && matches(s, s->e->coach.talk[TALK_RESUME].match, last, strlen(last));
}

/* Offer the kept offer (s->offer) itself: keep_offer sees it is already kept. */
static void show_offer(dbt_session *s)
{
    s->offer_src = (const char *const *)s->offer;
    flow_choices(s, s->offer_src, s->noffer);
}

/* The step's question again, in its plainest words. */
static void ask_again(dbt_session *s)
{
    const step *st = flow_step(s);
    flow_say(s, st->rephrase.n ? &st->rephrase : &st->say, NULL);
    flow_reoffer(s);
}

static bool in_set(const int *v, int n, int k)
{
    for (int i = 0; i < n; i++)
        if (v[i] == k)
            return true;
    return false;
}

/* Skills for the same kind of moment as those in `cur`: those the coach's
 * routes offer next to one of them, then the rest of their modules. */
static int others(const dbt_session *s, const int *cur, int ncur, int *out)
{
    const dbt_engine *e = s->e;
    int n = 0;
    for (int pass = 0; pass < 2 && n < MAX_OTHERS; pass++) {
        for (int i = 0; i < (pass ? e->nskills : e->coach.nroutes) && n < MAX_OTHERS; i++) {
            int cand[SESSION_MAX_OFFER], nc = 0;
            bool with_cur = false;
            if (pass == 0) {
                const rule *r = &e->coach.routes[i];
                for (int c = 0; c < r->nchoices && nc < SESSION_MAX_OFFER; c++) {
                    const char *ch = r->choices[c];
                    int k = model_skill_by_name(e, ch, strlen(ch));
                    with_cur |= in_set(cur, ncur, k);
                    if (k >= 0)
                        cand[nc++] = k;
                }
            } else {
                for (int c = 0; c < ncur && !with_cur; c++)
                    with_cur = !strcmp(e->skills[i].module, e->skills[cur[c]].module);
                cand[nc++] = i;
            }
            for (int c = 0; with_cur && c < nc && n < MAX_OTHERS; c++)
                if (!in_set(cur, ncur, cand[c]) && !in_set(out, n, cand[c]))
                    out[n++] = cand[c];
        }
    }
    return n;
}

/* "Something else": other skills for this moment, and the way back to
 * `back` (a skill index), or to the menu when it is negative. */
static talk_result offer_others(dbt_session *s, const int *cur, int ncur, int back)
{
    const dbt_engine *e = s->e;
    int alt[MAX_OTHERS];
    int n = others(s, cur, ncur, alt);
    if (!n)
        return TALK_NO;
    flow_say(s, &e->coach.talk[TALK_OTHER].say, NULL);
    strbuf *out = &s->out;
    for (int i = 0; i < n; i++) {
        sb_adds(out, i || out->len == 0 ? "\n- " : "\n\n- ");
        sb_adds(out, e->skills[alt[i]].title);
        sb_adds(out, ": ");
        sb_adds(out, e->skills[alt[i]].summary);
    }
    const char *list[MAX_OTHERS + 1];
    for (int i = 0; i < n; i++)
        list[i] = e->skills[alt[i]].title;
    char way[160];
    if (back >= 0) {
        snprintf(way, sizeof way, "Keep going with %s", e->skills[back].title);
        sb_adds(out, "\n\nOr we can keep going with ");
        sb_adds(out, e->skills[back].title);
        sb_adds(out, ".");
        list[n++] = way;
    } else {
        sb_adds(out, "\n\nOr type \"menu\" to see them all.");
    }
    if (!session_set_offer(s, list, n))
        return TALK_OOM;
    show_offer(s);
    return TALK_SAID;
}

/* The step's rule that reads a rating ("(?<rating>...)"), or NULL. */
/* "Really bad" where a number was asked: ask for the number once; the
 * second time, guess it from the words and go on. */
static talk_result rating_in_words(dbt_session *s)
{
    static const double part[LEVEL__COUNT] = {0, 0.2, 0.5, 0.8, 0.9};
    static const int order[LEVEL__COUNT] = {LEVEL_NONE, LEVEL_LOW, LEVEL_SOME, LEVEL_TOP,
                                            LEVEL_HIGH};
    const coach *c = &s->e->coach;
    const pattern *rp = flow_step(s)->rating;
    int level = -1;
    for (int i = 0; i < LEVEL__COUNT && level < 0; i++)
        if (matches(s, c->level[order[i]], s->w->in.s, s->w->in.len))
            level = order[i];
    if (level < 0)
        return TALK_NO;
    if (!s->asked) {
        s->asked = true;
        flow_say(s, &c->talk[TALK_RATING].say, NULL);
        ask_again(s);
        return TALK_SAID;
    }
    int max = 10;
    char num[4];
    for (; max > 1; max--) {
        int len = snprintf(num, sizeof num, "%d", max);
        if (matches(s, rp, num, (size_t)len))
            break;
    }
    int guess = (int)(part[level] * max + 0.5);
    snprintf(num, sizeof num, "%d", guess);
    char scale[4];
    snprintf(scale, sizeof scale, "%d", max);
    if (!session_set_var(s, "rating_guess", num) || !session_set_var(s, "rating_max", scale))
        return TALK_OOM;
    flow_say(s, &c->talk[TALK_RATING].again, NULL);
    sb_clear(&s->w->in);
    sb_adds(&s->w->in, num);
    return s->w->in.oom ? TALK_OOM : TALK_GUESS;
}

/* May talk of kind `k` be taken as talk here? Not when a rule of the step
 * reads the message itself, or lists such words among its examples. `reads`
 * caches talk_step_reads for the turn (-1: not asked yet). */
static bool free_to_talk(dbt_session *s, talk_kind k, int *reads)
{
    if (*reads < 0)
        *reads = talk_step_reads(s);
    return !*reads && !example_of_step(s, s->e->coach.talk[k].match);
}

/* Leave the step as "skip" would, saying `say` first. */
static void leave_step(dbt_session *s, const textv *say)
{
    flow_say(s, say, NULL);
    flow_push_history(s);
    flow_enter(s, s->skill, flow_step(s)->skip_step, NULL, 0);
}

talk_result talk_step(dbt_session *s)
{
    if (s->mode != MODE_SKILL)
        return TALK_NO;
    const coach *c = &s->e->coach;
    const step *st = flow_step(s);
    int reads = -1;
    if (talk_other_offer(s) && said(s, TALK_RESUME) && free_to_talk(s, TALK_RESUME, &reads)) {
        session_set_offer(s, NULL, 0);
        ask_again(s);
        return TALK_SAID;
    }
    /* About the step: its own texts. */
    bool example = st->hint.n && matches(s, c->example_ask, s->w->in.s, s->w->in.len);
    const textv *own[] = {[TALK_WHY] = &st->why,
                          [TALK_REPHRASE] = example ? &st->hint : &st->rephrase,
                          [TALK_UNSURE] = st->hint.n ? &st->hint : &st->rephrase};
    for (int k = TALK_WHY; k <= TALK_UNSURE; k++)
        if (own[k]->n && said(s, (talk_kind)k)) {
            if (k == TALK_UNSURE && st->rating &&
                matches(s, c->level[LEVEL_NONE], s->w->in.s, s->w->in.len))
                break; /* "none", "nothing" where a rating is asked: a rating in words */
            if (!free_to_talk(s, (talk_kind)k, &reads)) {
                if (reads || !as_authors_answer(s, c->talk[k].match))
                    return TALK_NO;
                return s->w->in.oom ? TALK_OOM : TALK_GUESS;
            }
            if (k == TALK_UNSURE && talk_stuck(s, 1))
                return TALK_SAID;
            flow_say(s, own[k], NULL);
            flow_reoffer(s);
            return TALK_SAID;
        }
    if (st->skip_step >= 0 && said(s, TALK_DECLINE) && free_to_talk(s, TALK_DECLINE, &reads)) {
        leave_step(s, &c->talk[TALK_DECLINE].say);
        return TALK_SAID;
    }
    if (said(s, TALK_OTHER) && free_to_talk(s, TALK_OTHER, &reads))
        return offer_others(s, &s->skill, 1, s->skill);
    /* Small talk: a short word back, and the step's question again. */
    static const talk_kind small[] = {TALK_THANKS, TALK_SORRY, TALK_LAUGH};
    for (size_t i = 0; i < sizeof small / sizeof *small; i++)
        if (said(s, small[i]) && free_to_talk(s, small[i], &reads)) {
            flow_say(s, &c->talk[small[i]].say, NULL);
            ask_again(s);
            return TALK_SAID;
        }
    if (said(s, TALK_ACK) && free_to_talk(s, TALK_ACK, &reads) && stored_as_answer(s)) {
        flow_say(s, &c->talk[TALK_ACK].say, NULL);
        ask_again(s);
        return TALK_SAID;
    }
    if (!st->rating)
        return TALK_NO;
    if (reads < 0)
        reads = talk_step_reads(s);
    return reads ? TALK_NO : rating_in_words(s);
}

bool talk_stuck(dbt_session *s, int limit)
{
    if (s->mode != MODE_SKILL)
        return false;
    if (s->stuck < limit || flow_step(s)->skip_step < 0) {
        s->stuck++;
        return false;
    }
    leave_step(s, &s->e->coach.talk[TALK_UNSURE].again);
    return true;
}

int talk_describe(dbt_session *s)
{
    if (!s->noffer || (s->mode != MODE_COACH && !talk_other_offer(s)) ||
        !strstr(sb_str(&s->w->in), "one")) /* "the breathing one": no "one", no reference */
        return 0;
    const dbt_engine *e = s->e;
    strbuf d[SESSION_MAX_OFFER];
    const char *texts[SESSION_MAX_OFFER];
    int n = s->noffer < SESSION_MAX_OFFER ? s->noffer : SESSION_MAX_OFFER;
    bool oom = false;
    for (int i = 0; i < n; i++) {
        sb_init(&d[i]);
        int k = model_skill_by_name(e, s->offer[i], strlen(s->offer[i]));
        texts[i] = NULL;
        if (k < 0)
            continue;
        const skill *sk = &e->skills[k];
        sb_adds(&d[i], sk->title);
        sb_addc(&d[i], ' ');
        sb_adds(&d[i], sk->summary ? sk->summary : "");
        sb_addc(&d[i], ' ');
        sb_adds(&d[i], sk->about ? sk->about : "");
        oom |= d[i].oom;
        texts[i] = sb_str(&d[i]);
    }
    int k = oom ? 0 : choice_describe(s->w->in.s, s->w->in.len, texts, n);
    for (int i = 0; i < n; i++)
        sb_free(&d[i]);
    return k;
}

int talk_pick(dbt_session *s)
{
    if (!s->noffer || (s->mode != MODE_COACH && !talk_other_offer(s)))
        return 0;
    if (s->noffer == 1 && said(s, TALK_ACK))
        return 1;
    if (!said(s, TALK_PICK))
        return 0;
    flow_say(s, &s->e->coach.talk[TALK_PICK].say, NULL);
    return 1;
}

bool talk_coach(dbt_session *s)
{
    if (s->mode != MODE_COACH || !s->noffer)
        return false;
    const talk *t = s->e->coach.talk;
    const pattern *none_of = s->e->coach.none_of;
    if (said(s, TALK_OTHER) || matches(s, none_of, s->w->in.s, s->w->in.len)) {
        /* "something else", "none of those": others for the same moment */
        int cur[SESSION_MAX_OFFER], n = 0;
        for (int i = 0; i < s->noffer; i++) {
            int k = model_skill_by_name(s->e, s->offer[i], strlen(s->offer[i]));
            if (k >= 0)
                cur[n++] = k;
        }
        talk_result r = n ? offer_others(s, cur, n, -1) : TALK_NO;
        if (r == TALK_OOM)
            s->out.oom = true;
        if (r != TALK_NO)
            return true;
    }
    if (said(s, TALK_ACK))
        flow_say(s, &t[TALK_ACK].which, NULL);
    else if (said(s, TALK_VENT))
        flow_say(s, &t[TALK_VENT].say, NULL);
    else
        return false;
    show_offer(s);
    return true;
}
