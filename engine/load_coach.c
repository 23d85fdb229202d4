/*
 * load_coach.c - coach.yaml into the model: greeting, scope, commands,
 * routes and the coach's own texts.
 */
#include <string.h>

#include "loader.h"

/* The engine's default talk patterns, matched on the whole message as
 * normalised ("idk" reads "i don't know"). coach.yaml's `talk:` may replace
 * any of them. A step whose own rule reads the message, or lists such words
 * among a rule's examples, is not affected (talk.c). */
#define LEAD(words) "^\\W*(?:(?:" words ")\\W+)?"
#define TAIL        "\\W*$"
/* Words that trail a short message without changing what it says. */
#define TRAIL                                                                                      \
    "(?:\\W+(?:tbh|to be honest|honestly|lol|haha|tho|though|really|right now|sorry|"              \
    "man|dude|not going to lie|i guess|either|please|pls|plz|here|again|coach|tho|"                \
    "rn|at all|now|anymore|any more|about that|about this))*" TAIL
/* "what do you mean?" in its many forms, said once or twice ("what?? i don't get it"). */
#define REPHRASE_CORE                                                                              \
    "(?:(?:i )?(?:don't|dont|do not) (?:get|understand)(?: it| that| the "                         \
    "question| what you mean| what you're asking)?|what do you mean(?: by"                         \
    " that)?|what does that mean|what\\?+|huh|i'm confused|im confused|co"                         \
    "nfused|i'm lost|im lost|i don't follow|i dont follow|say (?:that|it)"                         \
    " again|(?:can|could) you (?:explain|rephrase|say (?:it|that) (?:diff"                         \
    "erently|another way)|put it (?:differently|another way))(?: that)?(?"                         \
    ": please)?|what(?:\\W+now)?|what (?:do|did) you mean(?: by (?:that|t"                         \
    "his|it|\\w+))?|what you mean|what (?:are|were) you (?:asking|saying|"                         \
    "talking about)(?: me)?|what(?:'s| is) (?:the|your) question|what(?:'"                         \
    "s| is) that supposed to mean|what (?:am i|do i|should i) (?:supposed"                         \
    " to |meant to |need to )?(?:say|answer|write|type|put|tell you)(?: t"                         \
    "o that| to this)?|like what|such as|(?:can you |could you )?(?:give|"                         \
    "show|tell) me an example|an example|for example|example|examples|exp"                         \
    "lain(?: (?:it|that|this|more|what you mean))?|(?:can|could) you expl"                         \
    "ain (?:it|that|this|more|what you mean)|(?:i )?(?:don't|dont|do not)"                         \
    " (?:get|understand|know) what (?:you're|you are|your|you) (?:asking|"                         \
    "mean|saying|want)|(?:i'm |im |i am )?not sure what (?:you're|you are"                         \
    "|your|you) (?:asking|mean|want)|(?:in )?(?:plain )?english|(?:say it"                         \
    " |in )?simpler(?: words)?|simpler|come again|pardon|eh|\\?+|i don't "                         \
    "even know what you mean|i don't get it|i don't get the question|(?:you|u) tell me|you "       \
    "decide|what would (?:you|u) (?:say|do|suggest|pick|put)|(?:got |have you got )?any "          \
    "ideas|what do (?:you|u) (?:suggest|think|recommend)|help me(?: (?:out|answer|with "           \
    "this|with that))?)"

static const char *const TALK_SRC[TALK__COUNT] = {
    [TALK_WHY] = LEAD("but|and|ok|okay|um+|hmm+|wait|so") "(?:why\\W*(?:though|tho|that|this|is "
                                                          "that|do you ask|do you want to "
                                                          "know|do you need to "
                                                          "know|does (?:it|that|this) "
                                                          "matter|would that help|should "
                                                          "i)?|what(?:'s| is) (?:this|that|"
                                                          "the point)(?: for| of "
                                                          "(?:this|that|it))?|what (?:is|does) "
                                                          "(?:this|that|it) (?:do|for|help)|"
                                                          "how (?:does|will|would|is) "
                                                          "(?:this|that|it) (?:help|going to "
                                                          "help|supposed to help)(?: me)?|"
                                                          "what good (?:is|will|does) "
                                                          "(?:this|that|it)(?: do)?|"
                                                          "what(?:'s| is) the point|what "
                                                          "for|why (?:are|do) you (?:ask|"
                                                          "asking|want to know|need to know|"
                                                          "care)(?: me)?(?: (?:this|that))?|"
                                                          "why (?:do|should|must) i (?:have "
                                                          "to|need to|answer|say|do) "
                                                          "(?:this|that|it)|why does (?:it|"
                                                          "that|this) matter|what(?:'s| "
                                                          "is|does) (?:this|that|it) (?:got|"
                                                          "have) to do with (?:anything|it|"
                                                          "me|this)|how is (?:this|that|it) "
                                                          "(?:relevant|related|useful))" TRAIL,
    [TALK_REPHRASE] = LEAD("um+|hmm+|sorry|wait") REPHRASE_CORE "(?:\\W+" REPHRASE_CORE ")*" TRAIL,
    [TALK_UNSURE] = LEAD(
        "um+|hmm+|honestly|tbh|to be honest|i mean|ugh") "(?:i (?:really )?don't "
                                                         "(?:really )?know|i do not "
                                                         "know|dunno|i dunno|no "
                                                         "idea|not sure|"
                                                         "i'm not sure|im not sure|i'm "
                                                         "unsure|unsure|no clue|i have "
                                                         "no idea|i've no idea|not "
                                                         "really "
                                                         "sure|can't think of "
                                                         "anything|cant think of "
                                                         "anything|nothing comes to "
                                                         "mind|i can't think|"
                                                         "i cant think|i don't even "
                                                         "know|i have no clue|not a "
                                                         "clue|no clue at all|i'm not "
                                                         "really sure|i can't say|hard "
                                                         "to say|i'm not certain|not "
                                                         "certain|who knows|beats me|"
                                                         "i don't know what to say|"
                                                         "i don't know what to put|"
                                                         "i don't know how to answer "
                                                         "that|i'm drawing a blank|"
                                                         "drawing a blank|my mind "
                                                         "is blank|i have no idea "
                                                         "honestly|nothing(?: really| much| at "
                                                         "all| i can think of| comes to "
                                                         "mind)?|none(?: really)?|(?:i "
                                                         ")?(?:can't|cant|cannot) think of "
                                                         "(?:one|any|anything|something)|i've got "
                                                         "nothing|i got nothing|got nothing)" TRAIL,
    [TALK_OTHER] = LEAD("um+|hmm+|honestly|tbh|ugh|sorry|no|nah|ok|okay|actually|i "
                        "think") "(?:(?:can we |could we |can i |could i |let's |lets "
                                 "|i want to |i wanna |i'd like to |"
                                 "i would like to |i need to |maybe "
                                 ")?(?:do|try|have|go with|pick|want) (?:something|"
                                 "anything) (?:else|different)|something "
                                 "(?:else|different)|(?:a |an )?(?:different|other|"
                                 "another) "
                                 "(?:skill|exercise|one|thing)|(?:this|that|it)(?: "
                                 "is|'s|s)? not (?:helping|working"
                                 "|for me)|(?:this|that|it)(?: really)? "
                                 "(?:isn't|isnt|ain't|aint) (?:helping|working|for me)|"
                                 "(?:this|that|it)(?: really)? (?:doesn't|does "
                                 "not|doesnt|won't|wont|will not|didn't|didnt|"
                                 "isn't going to|isnt going to|is not going to) "
                                 "(?:help|work)(?: for me| me)?|"
                                 "(?:this|that|it)(?: is|'s)? (?:useless|pointless|not "
                                 "for me|not my thing)|"
                                 "(?:this|that|it)(?: skill| exercise)? (?:is|'s) "
                                 "(?:stupid|dumb|boring)|"
                                 "not helping|not working|(?:i )?(?:don't|dont|do not) "
                                 "(?:want|wanna|like) (?:to )?(?:do )?"
                                 "(?:this|that)(?: one| skill| exercise)?(?: right "
                                 "now| now)?|(?:change|switch) (?:the )?"
                                 "(?:skill|exercise)|(?:i )?(?:want|need) (?:a "
                                 "different|another) (?:skill|exercise|one))"
                                 "(?: (?:please|pls|plz|then|instead|now|tbh))*" TAIL,
    [TALK_RESUME] =
        LEAD("ok|okay|no|nah|actually") "(?:keep going(?: with .{1,60})?|carry on(?: with "
                                        ".{1,60})?|continue(?: with .{1,60})?|"
                                        "go back to (?:it|that|this|the "
                                        "(?:skill|exercise|last one))|back to "
                                        "(?:it|that|the (?:skill"
                                        "|exercise))|let'?s (?:keep going|continue|carry "
                                        "on|stay with (?:it|this))|stay with (?:it|"
                                        "this|that)|(?:i'll|ill|i will) (?:keep "
                                        "going|stay|carry on))" TAIL,
    [TALK_THANKS] =
        LEAD("ok|okay|oh|aw+|alright") "(?:thanks|thank you|thank u|thank "
                                       "ya|thankyou|thx|thnx|thnks|tnx|ty|tysm|tyvm|cheers|"
                                       "much appreciated|appreciate it|i appreciate "
                                       "(?:it|that|you|this))(?: (?:so much|a lot|"
                                       "very much|again|for that|for this|for (?:the "
                                       ")?help(?:ing)?|for listening|coach))*" TAIL,
    [TALK_SORRY] =
        LEAD("oh|oops|oop|ugh|um+|ah") "(?:sorry|soz|sry|srry|my bad|apologies|(?:i'm|im|i "
                                       "am) (?:so )?sorry)(?: (?:about that|"
                                       "again|for that|for this|for (?:rambling|the "
                                       "rant|ranting|venting|the wait|going on|taking "
                                       "so long|typing so much|being slow|the typo|the "
                                       "typos|my spelling)))?" TAIL,
    [TALK_LAUGH] = "^\\W*(?:(?:lol|lmao|lmfao|rofl|ha(?:ha)+h*|he(?:he)+|ha ha(?: "
                   "ha)*|a?ha(?:ha)+|"
                   "xd|:\\)|:d|\xf0\x9f\x98\x82|\xf0\x9f\xa4\xa3|\xf0\x9f\x98\x85)\\W*)+$",
    [TALK_ACK] = "^\\W*(?:ok|okay|okey|okie|oki|k|kk|ya|yea|yeah|yep|yup|yes|sure|alright|all "
                 "right|fine|cool|right|mhm+|mm+|uh huh|got it|gotcha|i see|makes sense|sounds "
                 "good|will do|sure thing|fair enough|kinda|kind of|sorta|sort of|maybe|i guess|"
                 "i suppose)(?:\\W+(?:ok|okay|then|sure|thanks|yeah|cool|fine|kinda|kind of|"
                 "sorta|sort of|maybe|i guess|i suppose))*" TAIL,
    [TALK_VENT] = "^\\W*(?:(?:ugh+|u+gh|argh+|a+rgh+|fml|ffs|omg|sigh|\\*sigh\\*|meh|hmm+|hm+|"
                  "uh+|um+|oof|welp|bruh|jeez|god|man|wow|damn|dammit|idk|i don't know|"
                  "i dunno|dunno|no idea|not sure|ok|okay|k|hm|\\.\\.\\.+|\\?+)\\W*)+$",
    [TALK_PICK] = LEAD(
        "um+|hmm+|idk|i don't know|i dunno|dunno|ok|okay|honestly|tbh|ugh|"
        "i mean|not sure|no idea") "(?:(?:you|u|coach) (?:pick|choose|decide)(?: "
                                   "(?:one|for me|please|pls|plz|i guess))*|(?:you|u) (?:can "
                                   ")?(?:pick|choose) (?:one|for me)|"
                                   "up to (?:you|u)|your (?:call|choice|pick)|dealer'?s "
                                   "choice|surprise me|"
                                   "whatever(?: (?:you (?:think|want|say|pick)|works|is "
                                   "best|one|helps))?|whichever(?: "
                                   "(?:one|you think|is best|works))?|either|either one|any(?: "
                                   "(?:one|of them|of those|is "
                                   "fine))?|anything|(?:i )?(?:don't|dont|do not) (?:care|mind)(?: "
                                   "which(?: one)?)?|"
                                   "(?:it )?(?:doesn't|doesnt|does not) matter(?: which(?: "
                                   "one)?)?|(?:i'm |im |i am )?"
                                   "(?:not sure|unsure) which(?: one)?|(?:i )?(?:don't|dont|do "
                                   "not) know which(?: one)?(?: "
                                   "to (?:pick|choose|do|try))?|(?:idk|no idea) which(?: "
                                   "one)?|which(?: one)?(?: (?:is|would "
                                   "be) (?:best|better|good|right)| (?:should|do|would|can) i "
                                   "(?:do|pick|choose|try|start "
                                   "with)| do you (?:think|suggest|recommend)| is for me)?|what do "
                                   "you (?:think|suggest|"
                                   "recommend)|what would you (?:suggest|recommend|pick|do)|(?:you "
                                   ")?(?:suggest|recommend) "
                                   "one|(?:the )?best one|(?:just )?(?:pick|choose) (?:one|for "
                                   "me|something))(?: "
                                   "(?:please|pls|plz|then|for me|i guess|lol|tbh|idk))*" TAIL,
    [TALK_RATING] = NULL, /* the words are the levels below */
    [TALK_DECLINE] = LEAD(
        "um+|hmm+|honestly|tbh|to be honest|ugh|sorry|i mean|no|nope|nah") "(?:i'll "
                                                                           "pass|pass|(?:id|i "
                                                                           "would|i'd) "
                                                                           "rather not(?: say| "
                                                                           "talk about it| "
                                                                           "answer(?: that)?| go "
                                                                           "into it| "
                                                                           "share)?|rather not(?: "
                                                                           "say)?|i "
                                                                           "(?:don't|do not) "
                                                                           "(?:want|wanna) to "
                                                                           "(?:say|talk about "
                                                                           "it|answer(?: "
                                                                           "that)?|go into it|tell "
                                                                           "you|share)|(?:don't|do "
                                                                           "not) "
                                                                           "(?:want|wanna) to "
                                                                           "(?:say|talk "
                                                                           "about it|answer(?: "
                                                                           "that)?)|not "
                                                                           "telling(?: you)?|i'm "
                                                                           "not "
                                                                           "telling(?: you)?|i'm "
                                                                           "not "
                                                                           "saying|not saying|none "
                                                                           "of your "
                                                                           "business|that's "
                                                                           "private|it's "
                                                                           "private|private)" TRAIL,
};

/* Ratings in words, weakest first; talk.c tries them in the order of
 * LEVEL_TRY, so "not that bad" is low before "bad" is high. */
static const char *const LEVEL_SRC[LEVEL__COUNT] = {
    [LEVEL_NONE] = "\\b(?:none|nothing|no urge|not at all|(?:it's |its |it is )?gone|nada|"
                   "not there|not really there|zilch)\\b",
    [LEVEL_LOW] = "\\b(?:low|lowish|a (?:little|tiny|wee) bit|a little|a bit|slight(?:ly)?|"
                  "mild(?:ly)?|small|weak|faint|barely|hardly|not (?:much|very|that|too|so|"
                  "really)(?: \\w+)?|not bad|calm(?:er)?|fine|better now|under control|"
                  "manageable)\\b",
    [LEVEL_SOME] = "\\b(?:medium|moderate(?:ly)?|middling|middle|in (?:the )?between|half|"
                   "halfway|so-so|so so|meh|somewhat|kind of|kinda|sort of|sorta|fairly|"
                   "average|okay-?ish|ok-?ish)\\b",
    [LEVEL_TOP] = "\\b(?:(?:really|very|so|super|extremely) (?:really|very|so|super) "
                  "\\w+|the worst|worst(?: it's| its| it has| it's ever| ever)|unbearable|"
                  "unbearably|off the (?:charts|scale)|through the roof|maxed(?: out)?|max|"
                  "extreme(?:ly)?|insane(?:ly)?|overwhelming|can't take (?:it|this)|cant take "
                  "(?:it|this))\\b",
    [LEVEL_HIGH] = "\\b(?:bad|strong|stronger|high|intense|a lot|lots|huge|big|massive|"
                   "terrible|awful|horrible|severe|so much|really \\w+|very \\w+|so \\w+|"
                   "pretty \\w+|quite \\w+|heavy|powerful|hard|rough|loud)\\b",
};

/* At the coach, to an offer of skills: none of them (talk.c; at a step
 * "neither" and "none of those" are answers, so this is not talk 'other'). */
static const char NONE_OF_SRC[] = LEAD(
    "um+|hmm+|honestly|tbh|ugh|sorry|no|nah|nope|ok|okay") "(?:none of (?:those|these|them)(?: "
                                                           "(?:work|help|fit|sound good|sound "
                                                           "right|really))?|not (?:those|these|any "
                                                           "of (?:those|these|"
                                                           "them))|neither(?: of "
                                                           "(?:those|these|them))?|(?:any "
                                                           ")?(?:other|more) options|anything else|"
                                                           "what else(?: is there| have you got| "
                                                           "do you have)?|i (?:don't|dont|do not) "
                                                           "(?:like|want) any "
                                                           "of (?:those|these|them))(?: "
                                                           "(?:please|pls|plz|then|instead|now|tbh)"
                                                           ")*" TAIL;

/* Within talk 'rephrase': asking for an example, answered with the step's
 * hint (which has examples) when it has one. */
static const char EXAMPLE_ASK_SRC[] =
    "\\b(?:like what|such as|examples?|for instance|tell me|decide|would (?:you|u)|ideas|"
    "suggest|recommend|think|help me)\\b";

/* Text the engine says when coach.yaml has none. */
static const char *const THANKS_SAY[] = {"You're welcome."};
static const char *const SORRY_SAY[] = {"No need to be sorry."};
static const char *const OTHER_SAY[] = {
    "Okay, we can try something else. These help in moments like this too:"};
static const char *const VENT_SAY[] = {
    "That's okay, take your time. When you're ready, pick one, or tell me a "
    "bit more:"};
static const char *const PICK_SAY[] = {"Okay, let's start with the first one."};
static const char *const WHICH_SAY[] = {
    "Okay. Which one would you like? Tell me its number or its name:"};
static const char *const RATING_SAY[] = {
    "Thank you for telling me. A rough number helps us notice later whether "
    "anything changed."};
static const char *const DECLINE_SAY[] = {"That's okay, you don't have to. Let's go on."};
static const char *const UNSURE_AGAIN[] = {"That's okay. Let's leave that one for now."};
static const char *const RATING_AGAIN[] = {
    "Let's call it about {rating_guess} out of {rating_max} for now."};

static textv builtin_text(const char *const *v, int n)
{
    textv t = {(const char **)v, n, {NULL, 0, 0}};
    return t;
}

/* coach.yaml's `talk:`: per kind, `match:` (replaces the default pattern),
 * `say:` and, for rating and unsure, `again:`. */
static void ld_talk(loader *L, const ynode *n, coach *c)
{
    static const char *const names[TALK__COUNT + 1] = {
        [TALK_WHY] = "why",        [TALK_REPHRASE] = "rephrase", [TALK_UNSURE] = "unsure",
        [TALK_OTHER] = "other",    [TALK_RESUME] = "resume",     [TALK_THANKS] = "thanks",
        [TALK_SORRY] = "sorry",    [TALK_LAUGH] = "laugh",       [TALK_ACK] = "ack",
        [TALK_VENT] = "vent",      [TALK_PICK] = "pick",         [TALK_RATING] = "rating",
        [TALK_DECLINE] = "decline"};
    static const char *const keys[] = {"match", "say", "again", "which", NULL};
    if (!n || !ld_want(L, n, YN_MAP, "'talk'"))
        return;
    ld_check_keys(L, n, "'talk'", names);
    for (int i = 0; i < TALK__COUNT; i++) {
        const ynode *k = ytree_get(n, names[i]);
        if (!k || !ld_want(L, k, YN_MAP, names[i]) || !ld_check_keys(L, k, names[i], keys))
            continue;
        talk *t = &c->talk[i];
        const ynode *m = ytree_get(k, "match");
        if (m && i == TALK_RATING)
            ld_err(L, m, "talk 'rating' has no 'match:' (its words are built in)");
        else if (m)
            t->match = ld_compile(L, m);
        const ynode *say = ytree_get(k, "say");
        if (say && i <= TALK_UNSURE)
            ld_err(L, say, "talk '%s' says the step's own '%s:' text; it has no 'say:'", names[i],
                   i == TALK_WHY        ? "why"
                   : i == TALK_REPHRASE ? "rephrase"
                                        : "hint");
        else if (say)
            t->say = ld_text(L, say, "say");
        const ynode *again = ytree_get(k, "again");
        if (again && i != TALK_RATING && i != TALK_UNSURE)
            ld_err(L, again, "only talk 'rating' and 'unsure' have 'again:'");
        else if (again)
            t->again = ld_text(L, again, "again");
        const ynode *which = ytree_get(k, "which");
        if (which && i != TALK_ACK)
            ld_err(L, which, "only talk 'ack' has 'which:'");
        else if (which)
            t->which = ld_text(L, which, "which");
    }
}

static void talk_defaults(loader *L, coach *c)
{
    for (int i = 0; i < TALK__COUNT; i++)
        if (TALK_SRC[i])
            c->talk[i].match = ld_compile_builtin(L, TALK_SRC[i]);
    for (int i = 0; i < LEVEL__COUNT; i++)
        c->level[i] = ld_compile_builtin(L, LEVEL_SRC[i]);
    c->none_of = ld_compile_builtin(L, NONE_OF_SRC);
    c->example_ask = ld_compile_builtin(L, EXAMPLE_ASK_SRC);
    c->talk[TALK_THANKS].say = builtin_text(THANKS_SAY, 1);
    c->talk[TALK_SORRY].say = builtin_text(SORRY_SAY, 1);
    c->talk[TALK_OTHER].say = builtin_text(OTHER_SAY, 1);
    c->talk[TALK_VENT].say = builtin_text(VENT_SAY, 1);
    c->talk[TALK_PICK].say = builtin_text(PICK_SAY, 1);
    c->talk[TALK_ACK].which = builtin_text(WHICH_SAY, 1);
    c->talk[TALK_RATING].say = builtin_text(RATING_SAY, 1);
    c->talk[TALK_RATING].again = builtin_text(RATING_AGAIN, 1);
    c->talk[TALK_UNSURE].again = builtin_text(UNSURE_AGAIN, 1);
    c->talk[TALK_DECLINE].say = builtin_text(DECLINE_SAY, 1);
}

void ld_coach(loader *L, const ynode *root)
{
    static const char *const keys[] = {"greeting", "scope",       "commands", "routes", "fallback",
                                       "talk",     "after_skill", "too_long", "empty",  NULL};
    static const char *const ckeys[] = {"command", "match", "examples", "say", "idle", NULL};
    static const char *const names[CMD__COUNT] = {"help", "menu",   "back",    "skip",     "stop",
                                                  "quit", "crisis", "explain", "practice", "about"};
    coach *c = &L->e->coach;
    c->file = L->file;
    talk_defaults(L, c);
    if (!ld_want(L, root, YN_MAP, "coach.yaml"))
        return;
    ld_check_keys(L, root, "coach.yaml", keys);
    c->greeting = ld_text(L, ytree_get(root, "greeting"), "greeting");
    if (!c->greeting.n)
        ld_err(L, root, "coach.yaml needs 'greeting:'");
    c->scope = ld_need_str(L, root, "scope", "coach.yaml");
    c->fallback = ld_text(L, ytree_get(root, "fallback"), "fallback");
    if (!c->fallback.n)
        ld_err(L, root, "coach.yaml needs 'fallback:'");
    c->after_skill = ld_text(L, ytree_get(root, "after_skill"), "after_skill");
    c->too_long = ld_text(L, ytree_get(root, "too_long"), "too_long");
    if (!c->too_long.n)
        ld_err(L, root, "coach.yaml needs 'too_long:' (what to say to a message too long to take)");
    c->empty = ld_text(L, ytree_get(root, "empty"), "empty");
    ld_talk(L, ytree_get(root, "talk"), c);
    c->routes = ld_rules(L, ytree_get(root, "routes"), "'routes'", LD_COACH, &c->nroutes);
    const ynode *cmds = ytree_get(root, "commands");
    if (!cmds || !ld_want(L, cmds, YN_SEQ, "'commands'"))
        return;
    c->commands = ar_alloc(L->a, (cmds->n + 1) * sizeof *c->commands);
    for (size_t i = 0; i < cmds->n; i++) {
        const ynode *n = cmds->items[i];
        if (!ld_want(L, n, YN_MAP, "a command") || !ld_check_keys(L, n, "a command", ckeys))
            continue;
        const char *name = ld_need_str(L, n, "command", "a command");
        if (!name)
            continue;
        int k = -1;
        for (int j = 0; j < CMD__COUNT; j++)
            if (!strcmp(names[j], name))
                k = j;
        if (k < 0) {
            ld_err(L, ytree_get(n, "command"),
                   "unknown command '%.80s' (help, menu, back, skip, stop, quit, crisis, explain, "
                   "practice, about)",
                   name);
            continue;
        }
        command *cmd = &c->commands[c->ncommands++];
        cmd->kind = (cmd_kind)k;
        cmd->r.pos = ld_at(L, n);
        cmd->r.tskill = cmd->r.tstep = -1;
        const ynode *m = ytree_get(n, "match");
        if (!m) {
            ld_err(L, n, "a command needs 'match:'");
            continue;
        }
        pattern *p = ld_compile(L, m);
        if (p) {
            cmd->r.pats = ar_alloc(L->a, sizeof(pattern *));
            cmd->r.pats[cmd->r.npats++] = p;
            if ((k == CMD_EXPLAIN || k == CMD_PRACTICE) && pat_group_number(p, "name") < 0)
                ld_err(L, m, "the '%s' command's pattern needs a named capture (?<name>...)", name);
        }
        cmd->r.nexamples =
            ld_str_list(L, ytree_get(n, "examples"), "examples", &cmd->r.examples, &cmd->r.ex_pos);
        cmd->r.say = ld_text(L, ytree_get(n, "say"), "say");
        cmd->idle = ld_text(L, ytree_get(n, "idle"), "idle");
    }
}
