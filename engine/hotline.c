/*
 * hotline.c - the hotline block of a reply: the crisis services of a region
 * for a category, then its emergency number. Reads the directory only.
 */
#include <string.h>

#include "hotline.h"

static bool serves(const service *sv, const char *cat)
{
    for (int i = 0; i < sv->nfor; i++)
        if (cat ? !strcmp(sv->for_[i], cat) : !strcmp(sv->for_[i], "all"))
            return true;
    return false;
}

static void join(strbuf *out, const char *const *v, int n, const char *or_)
{
    for (int i = 0; i < n; i++) {
        if (i && i == n - 1)
            sb_printf(out, " %s ", or_);
        else if (i)
            sb_adds(out, ", ");
        sb_adds(out, v[i]);
    }
}

static void service_line(const service *sv, const hotline_words *w, strbuf *out)
{
    sb_printf(out, "- %s:", sv->name);
    const char *sep = " ";
    if (sv->ncall) {
        sb_printf(out, " %s ", w->call);
        join(out, sv->call, sv->ncall, w->or_);
        sep = "; ";
    }
    if (sv->ntext) {
        sb_adds(out, sep);
        join(out, sv->text, sv->ntext, w->or_);
        sep = "; ";
    }
    if (sv->nchat) {
        sb_printf(out, "%s%s ", sep, w->chat);
        join(out, sv->chat, sv->nchat, w->or_);
    }
    sb_printf(out, " (%s)", sv->hours);
}

void hotline_block(const dbt_engine *e, int reg, int category, const hotline_words *w, strbuf *out)
{
    const hotline_region *r = &e->regions[reg];
    const char *cat = category >= 0 ? e->crisis.cats[category].id : NULL;
    bool any = false;
    /* For a category: its own services first, then the general ones. With no
     * category ("help now"): every service, in the directory's order. */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < r->nservices; i++) {
            const service *sv = &r->services[i];
            bool own = cat && serves(sv, cat);
            bool take = !cat ? pass == 1 : pass == 0 ? own : serves(sv, NULL) && !own;
            if (!take)
                continue;
            if (any)
                sb_addc(out, '\n');
            service_line(sv, w, out);
            any = true;
        }
    if (any)
        sb_addc(out, '\n');
    sb_printf(out, "- %s (%s): %s", w->emergency, r->name, r->emergency);
}
