/*
 * model.h - the in-memory script model: what a loaded engine is made of.
 * Everything here lives in the engine's arena and is immutable after load.
 */
#ifndef DBT_MODEL_H
#define DBT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "dbtcoach.h"
#include "pattern.h"
#include "prefilter.h"
#include "util.h"

/* A place in a script; lines and columns count from 1. */
typedef struct srcpos {
    const char *file;
    int line, col;
} srcpos;

/* Text the coach says: one or more variants that rotate. */
typedef struct textv {
    const char **v;
    int n;
    srcpos pos;
} textv;

typedef enum cond_op { OP_TRUTHY, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } cond_op;

/* One comparison of a condition; a condition is all of its terms. */
typedef struct cond_term {
    const char *lhs; /* a variable name */
    cond_op op;
    const char *rhs; /* a variable name or a literal; NULL for OP_TRUTHY */
    bool rhs_word;   /* rhs was written as a bare word (not a number or quoted) */
    bool rhs_var;    /* rhs names a variable or capture: when unset, the term fails */
    bool negate;     /* "not name" */
} cond_term;

typedef struct cond {
    cond_term *t;
    int n;
    const char *src;
    srcpos pos;
} cond;

typedef enum act_kind { ACT_NONE, ACT_GOTO, ACT_START, ACT_CALL, ACT_END } act_kind;

typedef struct setvar {
    const char *var;
    const char *tmpl;
    srcpos pos;
} setvar;

typedef struct rule {
    srcpos pos;
    pattern **pats; /* any one matching fires the rule; none: matches anything */
    int npats;
    const char **examples;
    srcpos *ex_pos;
    int nexamples;
    cond *cond; /* or NULL */
    textv say;
    setvar *sets;
    int nsets;
    act_kind act;
    const char *target; /* as written: step, skill, or skill@step */
    srcpos target_pos;
    int tskill, tstep; /* resolved target; tskill -1 for the rule's own skill */
    const char **choices;
    int nchoices;
} rule;

/* One pattern of a rule list, flattened for the prefilter; `pat` is -1 for a
 * rule with no pattern (it fires on anything its condition allows). */
typedef struct flat_entry {
    const struct rule *r;
    int pat;
    int tag; /* the skill of a trigger, the category of a crisis pattern */
} flat_entry;

/* A rule list with its prefilter, in list order. */
typedef struct rule_index {
    flat_entry *e;
    uint32_t n;
    prefilter *pf;
} rule_index;

typedef struct branch {
    cond *cond; /* or NULL: always */
    const char *target;
    srcpos pos;
    int tstep;
} branch;

typedef struct step {
    const char *id;
    srcpos pos;
    textv say;
    const char **choices;
    int nchoices;
    rule *rules;
    int nrules;
    textv fallback;
    textv why;      /* why this step helps: the answer to "why?" / "what is this for?" */
    textv hint;     /* an example answer or a nudge: the answer to "idk" */
    textv rephrase; /* the question again in plainer words: "what do you mean?" */
    branch *branches;
    int nbranches;
    const char *skip; /* as written, or NULL */
    srcpos skip_pos;
    int skip_step; /* resolved, -1 when none */
    dbt_timer timer;
    bool end;
    rule_index *rx;               /* for long rule lists, else NULL */
    const struct pattern *rating; /* the first of its patterns with a (?<rating>...) group */
} step;

typedef struct skill {
    const char *id, *title, *module, *summary, *about, *file;
    srcpos pos;
    const char **aliases;
    int naliases;
    rule *triggers;
    int ntriggers;
    step *steps;
    int nsteps;
    int start; /* index of the step named "start" */
    rule *rules;
    int nrules;
    textv fallback;
    rule_index *rx; /* skill-wide rules, for long lists, else NULL */
} skill;

typedef enum cmd_kind {
    CMD_HELP,
    CMD_MENU,
    CMD_BACK,
    CMD_SKIP,
    CMD_STOP,
    CMD_QUIT,
    CMD_CRISIS,
    CMD_EXPLAIN,
    CMD_PRACTICE,
    CMD_ABOUT,
    CMD__COUNT
} cmd_kind;

typedef struct command {
    cmd_kind kind;
    rule r;     /* match, examples and say */
    textv idle; /* what to say when there is no exercise to act on */
} command;

/* Talk about a step rather than an answer to it, and the small talk of a
 * conversation (talk.c). Each kind has a pattern (the engine's default or
 * coach.yaml's `talk:`) and, for some, the coach's own texts. */
typedef enum talk_kind {
    TALK_WHY,      /* "why?": the step's why: */
    TALK_REPHRASE, /* "what do you mean?": the step's rephrase: */
    TALK_UNSURE,   /* "idk": the step's hint: */
    TALK_OTHER,    /* "something else", "this isn't helping": other skills, and the way back */
    TALK_RESUME,   /* "keep going": back to the step, after TALK_OTHER's offer */
    TALK_THANKS,
    TALK_SORRY,
    TALK_LAUGH,
    TALK_ACK,     /* "ok", "yea", "sure": never stored as an answer */
    TALK_VENT,    /* "ugh", "fml": at the coach, the last offer stays */
    TALK_PICK,    /* "you pick", "whatever", "which one?": at an offer of skills, the first */
    TALK_RATING,  /* a rating in words ("really bad"): ask for the number once */
    TALK_DECLINE, /* "i'd rather not say", "pass": the step is left, as "skip" would */
    TALK__COUNT
} talk_kind;

/* How strong a rating in words is, weakest first. */
enum { LEVEL_NONE, LEVEL_LOW, LEVEL_SOME, LEVEL_HIGH, LEVEL_TOP, LEVEL__COUNT };

typedef struct talk {
    pattern *match;
    textv say;   /* what the coach says (before the step's own text, if any) */
    textv again; /* TALK_RATING: said when the number is guessed, the second time;
                    TALK_UNSURE: said when the step is left, the second time */
    textv which; /* TALK_ACK: "ok" to an offer of several skills: which one? */
} talk;

typedef struct coach {
    const char *file;
    textv greeting;
    const char *scope;
    command *commands;
    int ncommands;
    rule *routes;
    int nroutes;
    textv fallback;
    textv after_skill; /* said when an exercise ends, as the coach takes over again */
    textv too_long;    /* said when a message is longer than a turn takes */
    textv empty;       /* said when a message is empty */
    rule_index *routes_rx;
    talk talk[TALK__COUNT];
    pattern *level[LEVEL__COUNT]; /* ratings in words, by strength */
    pattern *none_of;             /* "none of those" to an offer at the coach */
    pattern *example_ask;         /* "like what?", "an example": talk rephrase wants the hint */
} coach;

typedef struct crisis_cat {
    const char *id;
    srcpos pos;
    rule *pats; /* rules with patterns only */
    int npats;
    textv say;
    bool warning; /* tier: warning. The reply asks; the check-in decides */
} crisis_cat;

/* After a warning-tier reply: how the answer to "are you thinking about
 * suicide?" is read. */
typedef struct checkin {
    rule *yes; /* yes, maybe, anything risky: the full crisis reply */
    int nyes;
    rule *no; /* no, not really, not sure: a warm check-in, the exercise goes on */
    int nno;
    textv no_say; /* what to say after a no */
    textv again;  /* neither: ask once more */
    const char **choices;
    int nchoices;
    srcpos pos;
} checkin;

/* Words of the hotline block in one language. */
typedef struct hotline_words {
    const char *call, *chat, *or_, *emergency;
} hotline_words;

/* The crisis screen in a language other than English (crisis.LANG.yaml):
 * its own patterns, idioms and replies for the same categories. */
typedef struct crisis_lang {
    const char *code; /* ISO 639-1, e.g. "es" */
    const char *name;
    const char *file;
    hotline_words words;
    rule *idioms;
    int nidioms;
    rule **pats; /* by category of crisis.yaml; NULL when none */
    int *npats;
    textv *say; /* by category; empty: the English reply */
    step followup;
    checkin ck;
} crisis_lang;

typedef struct service {
    const char *name;
    const char **for_; /* category ids, or "all" */
    int nfor;
    const char **call, **text, **chat;
    int ncall, ntext, nchat;
    const char *hours, *source, *verified;
} service;

typedef struct region {
    const char *code, *name, *emergency;
    service *services;
    int nservices;
    srcpos pos;
} hotline_region;

typedef struct crisis {
    const char *file;
    rule *idioms;
    int nidioms;
    crisis_cat *cats;
    int ncats;
    step followup; /* the state after a crisis reply */
    checkin ck;    /* the state after a warning-tier reply */
    hotline_words words;
    crisis_lang *langs; /* other languages, each in a crisis.LANG.yaml */
    int nlangs;
    rule_index *rx; /* every category's patterns, in priority order; an entry's tag is
                       category + CRISIS_LANG_TAG * (language + 1, or 0 for English) */
} crisis;

enum { CRISIS_LANG_TAG = 64, CRISIS_MAX_LANGS = 32 };

/* words.yaml: how people spell, for the normaliser. */
typedef struct words {
    const char *(*shorthand)[2]; /* {"kms", "kill myself"} */
    int nshorthand;
    const char **ordinary; /* words never corrected as typos */
    int nordinary;
} words;

/* A concept: a named word family (concepts.yaml, or a skill file's own
 * `concepts:`), written ~name in patterns and spelled out at load. */
typedef struct concept {
    const char *name;
    const char **forms; /* every form it matches, longest first */
    int nforms;
    const char *rx;   /* what ~name becomes: (?:(?<!\w)(?:form|...)(?!\w)) */
    const char *file; /* the skill file it belongs to; NULL: shared */
    srcpos pos;
    bool used; /* some pattern uses it */
}
concept;

struct dbt_engine {
    arena ar;
    words words;
    concept *concepts;
    int nconcepts;
    struct normaliser *nz; /* shared by the screen and the rules; NULL: none */
    skill *skills;
    int nskills;
    coach coach;
    crisis crisis;
    hotline_region *regions;
    int nregions;
    int fallback_region;
    pattern **all_patterns; /* every compiled pattern, to free them */
    int npatterns;
    int max_captures;          /* the most capture groups of any pattern */
    rule_index *triggers;      /* every skill's triggers, in skill order */
    pcre2_match_context *mctx; /* match limits, shared by every session */
    struct skill_name {
        const char *folded; /* id, title or alias, folded (text_fold_name) */
        size_t len;
        int skill;
    } * names;
    int nnames;
    size_t max_name;          /* the longest folded name */
    struct part_table *parts; /* steps, rules and triggers flattened, for authoring tools
                                 (parts.c) */
};

/* Look-ups shared by the loader, the checks and the turn (model.c). */
int model_find_skill(const dbt_engine *e, const char *id);
int model_find_step(const skill *s, const char *id);
int model_find_region(const dbt_engine *e, const char *code);
/* Fold every skill's id, title and aliases for model_skill_by_name. */
bool model_build_names(dbt_engine *e);
/* The follow-up step after a crisis reply in language `lang` (0 English,
 * l + 1 for crisis.langs[l]); English when that language has none. */
const step *model_followup(const dbt_engine *e, int lang);
/* Free an engine and everything it holds (NULL is fine). */
void model_free(dbt_engine *e);
/* A skill by what a person calls it: id, title or alias, ignoring case,
 * spaces and punctuation. -1 when none. */
int model_skill_by_name(const dbt_engine *e, const char *name, size_t len);

#endif
