/*
 * load_coach.c - coach.yaml into the model: greeting, scope, commands,
 * routes and the coach's own texts.
 */
#include <string.h>

#include "loader.h"

/* Talk about the step, in the whole message (the normalised text: "idk"
 * reads "i don't know"). A step without the matching text, or whose own
 * rule reads the message, is not affected (turn.c). */
static const char *const META_SRC[META__COUNT] = {
    [META_WHY] =
        "^\\W*(?:(?:but|and|ok|okay|um+|hmm+|wait|so)\\W+)?(?:why\\W*(?:though|tho|that|this|"
        "is that|do you ask|do you want to know|do you need to know|does (?:it|that|this) "
        "matter|would that help|should i)?|what(?:'s| is) (?:this|that|the point)(?: for| of "
        "(?:this|that|it))?|what (?:is|does) (?:this|that|it) (?:do|for|help)|how (?:does|will|"
        "would|is) (?:this|that|it) (?:help|going to help|supposed to help)(?: me)?|what good "
        "(?:is|will|does) (?:this|that|it)(?: do)?)\\W*$",
    [META_REPHRASE] =
        "^\\W*(?:(?:um+|hmm+|sorry|wait)\\W+)?(?:(?:i )?(?:don't|dont|do not) (?:get|"
        "understand)(?: it| that| the question| what you mean| what you're asking)?|"
        "what do you mean(?: by that)?|what does that mean|what\\?+|huh|i'm confused|"
        "im confused|confused|i'm lost|im lost|i don't follow|i dont follow|say (?:that|it) "
        "again|(?:can|could) you (?:explain|rephrase|say (?:it|that) (?:differently|"
        "another way)|put it (?:differently|another way))(?: that)?(?: please)?)\\W*$",
    [META_UNSURE] =
        "^\\W*(?:(?:um+|hmm+|honestly|tbh|to be honest|i mean|ugh)\\W+)?(?:i (?:really )?"
        "don't (?:really )?know|i do not know|dunno|i dunno|no idea|not sure|i'm not sure|"
        "im not sure|i'm unsure|unsure|no clue|i have no idea|i've no idea|not really sure|"
        "can't think of anything|cant think of anything|nothing comes to mind|"
        "i can't think|i cant think)\\W*$",
};

void ld_coach(loader *L, const ynode *root)
{
    static const char *const keys[] = {"greeting",    "scope",    "commands", "routes", "fallback",
                                       "after_skill", "too_long", "empty",    NULL};
    static const char *const ckeys[] = {"command", "match", "examples", "say", "idle", NULL};
    static const char *const names[CMD__COUNT] = {"help", "menu",   "back",    "skip",     "stop",
                                                  "quit", "crisis", "explain", "practice", "about"};
    coach *c = &L->e->coach;
    c->file = L->file;
    for (int i = 0; i < META__COUNT; i++)
        c->meta[i] = ld_compile_builtin(L, META_SRC[i]);
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
