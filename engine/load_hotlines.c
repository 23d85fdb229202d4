/*
 * load_hotlines.c - hotlines.yaml into the model: crisis services by region,
 * each with its source and the date it was verified.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loader.h"

/* A real calendar date written YYYY-MM-DD, from 2000 on. */
static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    int y = (int)strtol(s, NULL, 10), m = (int)strtol(s + 5, NULL, 10),
        d = (int)strtol(s + 8, NULL, 10);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

void ld_hotlines(loader *L, const ynode *root)
{
    static const char *const keys[] = {"fallback", "regions", NULL};
    static const char *const rkeys[] = {"region", "name", "emergency", "services", NULL};
    static const char *const skeys[] = {"name",  "for",    "call",     "text", "chat",
                                        "hours", "source", "verified", NULL};
    dbt_engine *e = L->e;
    if (!ld_want(L, root, YN_MAP, "hotlines.yaml"))
        return;
    ld_check_keys(L, root, "hotlines.yaml", keys);
    const char *fb = ld_need_str(L, root, "fallback", "hotlines.yaml");
    const ynode *regs = ytree_get(root, "regions");
    if (!regs) {
        ld_err(L, root, "hotlines.yaml needs 'regions:'");
        return;
    }
    if (!ld_want(L, regs, YN_SEQ, "'regions'"))
        return;
    e->regions = ar_alloc(L->a, (regs->n + 1) * sizeof *e->regions);
    for (size_t i = 0; i < regs->n; i++) {
        const ynode *n = regs->items[i];
        if (!ld_want(L, n, YN_MAP, "a region") || !ld_check_keys(L, n, "a region", rkeys))
            continue;
        hotline_region *r = &e->regions[e->nregions];
        r->pos = ld_at(L, n);
        r->code = ld_need_str(L, n, "region", "a region");
        r->name = ld_need_str(L, n, "name", "a region");
        r->emergency = ld_need_str(L, n, "emergency", "a region");
        const ynode *svcs = ytree_get(n, "services");
        if (!svcs) {
            ld_err(L, n, "region '%s' needs 'services:'", r->code ? r->code : "?");
            continue;
        }
        if (!r->code || !r->name || !r->emergency || !ld_want(L, svcs, YN_SEQ, "'services'"))
            continue;
        for (int j = 0; j < e->nregions; j++)
            if (!strcasecmp(e->regions[j].code, r->code))
                ld_err(L, ytree_get(n, "region"), "duplicate region '%s'", r->code);
        r->services = ar_alloc(L->a, (svcs->n + 1) * sizeof *r->services);
        for (size_t k = 0; k < svcs->n; k++) {
            const ynode *sn = svcs->items[k];
            if (!ld_want(L, sn, YN_MAP, "a service") || !ld_check_keys(L, sn, "a service", skeys))
                continue;
            service *sv = &r->services[r->nservices++];
            sv->name = ld_need_str(L, sn, "name", "a service");
            sv->hours = ld_need_str(L, sn, "hours", "a service");
            sv->source = ld_need_str(L, sn, "source", "a service");
            sv->verified = ld_need_str(L, sn, "verified", "a service");
            if (sv->verified && !valid_date(sv->verified))
                ld_err(L, ytree_get(sn, "verified"), "'verified' must be a date like 2026-11-26");
            static const char *const lists[] = {"call", "text", "for"};
            for (int q = 0; q < 3; q++)
                if (!ytree_get(sn, lists[q]))
                    ld_err(L, sn, "a service needs '%s:' (write [] when there is none)", lists[q]);
            sv->ncall = ld_str_list(L, ytree_get(sn, "call"), "call", &sv->call, NULL);
            sv->ntext = ld_str_list(L, ytree_get(sn, "text"), "text", &sv->text, NULL);
            sv->nchat = ld_str_list(L, ytree_get(sn, "chat"), "chat", &sv->chat, NULL);
            sv->nfor = ld_str_list(L, ytree_get(sn, "for"), "for", &sv->for_, NULL);
            if (!sv->ncall && !sv->ntext && !sv->nchat)
                ld_err(L, sn, "a service needs at least one number to call, text option or chat");
            for (int q = 0; q < sv->nfor; q++) {
                bool known = !strcmp(sv->for_[q], "all");
                for (const char *const *cid = ld_category_ids; *cid; cid++)
                    known |= !strcmp(*cid, sv->for_[q]);
                if (!known)
                    ld_err(L, ytree_get(sn, "for"), "unknown crisis category '%.80s' in 'for'",
                           sv->for_[q]);
            }
        }
        if (!r->nservices)
            ld_err(L, svcs, "region '%s' has no services", r->code);
        e->nregions++;
    }
    e->fallback_region = -1;
    if (fb) {
        e->fallback_region = model_find_region(e, fb);
        if (e->fallback_region < 0)
            ld_err(L, ytree_get(root, "fallback"), "fallback region '%s' is not in 'regions'", fb);
    }
}
