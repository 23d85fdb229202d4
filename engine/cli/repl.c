/*
 * repl.c - the terminal coach: a readline REPL, and a plain line mode for
 * when stdin or stdout is not a terminal.
 *
 * Line editing sits behind a few functions (le_*) so the REPL builds against
 * GNU readline or libedit. Signal handlers only set flags; the main loop
 * reacts to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#ifdef DBT_EDITLINE
#include <editline/readline.h>
#else
#include <readline/history.h>
#include <readline/readline.h>
#endif

#include "cli.h"

static volatile sig_atomic_t got_int, got_winch, got_term;

static void on_signal(int sig)
{
    if (sig == SIGINT)
        got_int = 1;
    else if (sig == SIGWINCH)
        got_winch = 1;
    else
        got_term = 1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll() must wake up */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* ---- output ---------------------------------------------------------- */

static int term_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Display width of one UTF-8 character at s, and its byte length. */
static int char_width(const char *s, size_t n, size_t *bytes)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    if (k <= 0) {
        *bytes = 1;
        return 1;
    }
    *bytes = (size_t)k;
    int w = utf8proc_charwidth(cp);
    return w < 0 ? 0 : w;
}

/* Write text with control characters removed: replies are already clean,
 * but a terminal must never receive an escape sequence from a script. */
static void put_clean(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            continue;
        fputc(c, f);
    }
}

/*
 * Print `text` wrapped to `width` columns (0: no wrapping), each line
 * prefixed by `indent` spaces. Lines starting with "- " or "1. " keep a
 * hanging indent so lists stay readable.
 */
static void print_wrapped(FILE *f, const char *text, int width, int indent)
{
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        int hang = 0;
        if (len >= 2 && p[0] == '-' && p[1] == ' ')
            hang = 2;
        else if (len >= 3 && p[0] >= '0' && p[0] <= '9' && (p[1] == '.' || p[1] == ')') &&
                 p[2] == ' ')
            hang = 3;
        int col = 0;
        size_t i = 0;
        bool first = true;
        if (len == 0) {
            fputc('\n', f);
        }
        while (i < len) {
            /* the next word and its width */
            size_t ws = i;
            while (ws < len && p[ws] == ' ')
                ws++;
            size_t we = ws;
            int w = 0;
            while (we < len && p[we] != ' ') {
                size_t b;
                w += char_width(p + we, len - we, &b);
                we += b;
            }
            if (we == ws)
                break;
            int lead = first ? indent : indent + hang;
            if (first) {
                fprintf(f, "%*s", indent, "");
                col = indent;
                first = false;
            } else if (width > 0 && col + 1 + w > width && col > lead) {
                fprintf(f, "\n%*s", lead, "");
                col = lead;
            } else {
                fputc(' ', f);
                col++;
            }
            put_clean(f, p + ws, we - ws);
            col += w;
            i = we;
        }
        if (len)
            fputc('\n', f);
        if (!eol)
            break;
        p = eol + 1;
    }
}

typedef struct ui {
    bool color;
    int width;
} ui;

static const char *c_coach(const ui *u) { return u->color ? "\033[1;36m" : ""; }
static const char *c_dim(const ui *u) { return u->color ? "\033[2m" : ""; }
static const char *c_choice(const ui *u) { return u->color ? "\033[1;33m" : ""; }
static const char *c_off(const ui *u) { return u->color ? "\033[0m" : ""; }

static void print_reply(const ui *u, const dbt_reply *r)
{
    int width = u->width > 20 ? u->width - 2 : u->width;
    if (u->width)
        printf("%scoach%s\n", c_coach(u), c_off(u));
    print_wrapped(stdout, r->text, width, u->width ? 2 : 0);
    if (r->n_choices) {
        fputs(u->width ? "\n  " : "", stdout);
        int col = 2;
        for (size_t i = 0; i < r->n_choices; i++) {
            int w = (int)strlen(r->choices[i]) + 6;
            if (u->width && col + w > width && i) {
                fputs("\n  ", stdout);
                col = 2;
            }
            if (i)
                fputs("   ", stdout);
            printf("%s%zu)%s ", c_choice(u), i + 1, c_off(u));
            put_clean(stdout, r->choices[i], strlen(r->choices[i]));
            col += w;
        }
        fputc('\n', stdout);
    }
    fputc('\n', stdout);
    fflush(stdout);
}

/* ---- timers ------------------------------------------------------------ */

/* Wait up to `ms` for Enter; true when Enter (or a signal) ends the wait. */
static bool wait_enter(int ms)
{
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    int rc = poll(&pfd, 1, ms);
    if (rc < 0)
        return errno == EINTR && (got_int || got_term);
    if (rc == 0)
        return false;
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    (void)n;
    return true;
}

/* Show a calm countdown or breathing pacer; Enter skips it. */
static void run_timer(const ui *u, const dbt_timer *t)
{
    if (t->kind == DBT_TIMER_NONE)
        return;
    printf("  %s(press Enter to skip the timer)%s\n", c_dim(u), c_off(u));
    bool skipped = false;
    if (t->kind == DBT_TIMER_COUNTDOWN) {
        for (int s = t->seconds; s > 0 && !skipped; s--) {
            printf("\r  %s%3d s%s ", c_coach(u), s, c_off(u));
            fflush(stdout);
            skipped = wait_enter(1000);
        }
    } else {
        for (int c = 0; c < t->cycles && !skipped; c++) {
            static const char *phase[] = {"breathe in ", "hold       ", "breathe out"};
            const int secs[] = {t->breathe_in, t->hold, t->breathe_out};
            for (int ph = 0; ph < 3 && !skipped; ph++)
                for (int s = secs[ph]; s > 0 && !skipped; s--) {
                    printf("\r  %s%s%s  %d   %s(%d of %d)%s ", c_coach(u), phase[ph], c_off(u), s,
                           c_dim(u), c + 1, t->cycles, c_off(u));
                    fflush(stdout);
                    skipped = wait_enter(1000);
                }
        }
    }
    printf("\r  %s%s%s%30s\n\n", c_dim(u), skipped ? "timer skipped" : "time is up", c_off(u), "");
    fflush(stdout);
    got_int = 0;
}

/* ---- plain mode ------------------------------------------------------------ */

int plain_run(dbt_engine *e, const cli_opts *o)
{
    dbt_session *s = dbt_session_new(e, o->region);
    if (!s) {
        fprintf(stderr, "dbtcoach: out of memory\n");
        return 1;
    }
    ui u = {false, 0};
    diary_session_begin(o, s);
    const dbt_reply *r = dbt_session_start(s);
    print_reply(&u, r);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (diary_command(o, line, stdout))
            continue;
        r = dbt_session_turn(s, line); /* "2" takes a numbered choice */
        print_reply(&u, r);
        diary_after_turn(o, s, r, stdout);
        if (r->ended)
            break;
    }
    free(line);
    if (ferror(stdout) || fflush(stdout) != 0)
        rc = 1;
    dbt_session_free(s);
    return rc;
}

/* ---- the REPL ------------------------------------------------------------ */

static const char *const slash_commands[] = {"/help",   "/skills", "/menu",  "/back", "/crisis",
                                             "/region", "/reload", "/about", "/quit", NULL};

static dbt_engine *cur_engine;

static char *complete_cmd(const char *text, int state)
{
    static size_t i, len;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    while (slash_commands[i]) {
        const char *c = slash_commands[i++];
        if (!strncmp(c, text, len))
            return strdup(c);
    }
    return NULL;
}

static char *complete_skill(const char *text, int state)
{
    static size_t i, len;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    size_t n = dbt_engine_skill_count(cur_engine);
    while (i < n) {
        dbt_skill_info si;
        dbt_engine_skill_info(cur_engine, i++, &si);
        if (!strncasecmp(si.id, text, len))
            return strdup(si.id);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;
    if (start == 0 && text[0] == '/')
        return rl_completion_matches(text, complete_cmd);
    if (!strncmp(rl_line_buffer, "/skills ", 8) || !strncasecmp(rl_line_buffer, "practice ", 9) ||
        !strncasecmp(rl_line_buffer, "practise ", 9))
        return rl_completion_matches(text, complete_skill);
    return NULL;
}

/* History on disk, only when asked for: $XDG_STATE_HOME/dbtcoach/history
 * (or ~/.local/state/dbtcoach/history), mode 0600, written atomically. */
static bool history_path(char *buf, size_t size, bool make)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    if (xdg && *xdg == '/')
        snprintf(dir, sizeof dir, "%s/dbtcoach", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/dbtcoach", home);
    else
        return false;
    if (make) {
        /* create each missing parent, private to the user */
        for (char *p = dir + 1; *p; p++)
            if (*p == '/') {
                *p = '\0';
                mkdir(dir, 0700);
                *p = '/';
            }
        mkdir(dir, 0700);
    }
    snprintf(buf, size, "%s/history", dir);
    return true;
}

static void save_history(void)
{
    char path[4200], tmp[4300];
    if (!history_path(path, sizeof path, true))
        return;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    mode_t old = umask(077);
    int rc = write_history(tmp);
    umask(old);
    if (rc != 0) {
        unlink(tmp);
        return;
    }
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fchmod(fd, 0600);
        fsync(fd);
        close(fd);
    }
    if (rename(tmp, path) != 0)
        unlink(tmp);
}

/* State of the line being read in callback mode. */
static char *got_line;
static bool line_ready, line_eof;

static void on_line(char *line)
{
    line_ready = true;
    if (!line)
        line_eof = true;
    got_line = line;
#ifndef DBT_EDITLINE
    rl_callback_handler_remove();
#endif
}

/* Read one line; NULL at end of input. Ctrl-C clears the line and asks again,
 * a resize re-wraps, SIGTERM ends the loop. */
static char *le_readline(const char *prompt)
{
    line_ready = line_eof = false;
    got_line = NULL;
    rl_callback_handler_install(prompt, on_line);
    while (!line_ready) {
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        int rc = poll(&pfd, 1, -1);
        if (got_term) {
            rl_callback_handler_remove();
            return NULL;
        }
        if (got_winch) {
            got_winch = 0;
#ifndef DBT_EDITLINE
            rl_resize_terminal();
#endif
        }
        if (got_int) {
            /* Ctrl-C clears the line being typed and asks again; it never
             * ends the coach. */
            got_int = 0;
            fputs("^C\n", stdout);
            fflush(stdout);
#ifndef DBT_EDITLINE
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_replace_line("", 0);
            rl_point = rl_end = 0;
#endif
            rl_callback_handler_remove();
            rl_callback_handler_install(prompt, on_line);
            continue;
        }
        if (rc > 0)
            rl_callback_read_char();
    }
    return line_eof ? NULL : got_line;
}

static void le_init(bool history_on_disk)
{
    rl_readline_name = "dbtcoach";
    rl_attempted_completion_function = complete;
#ifndef DBT_EDITLINE
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
#endif
    using_history();
    stifle_history(500);
    if (history_on_disk) {
        char path[4200];
        if (history_path(path, sizeof path, false))
            read_history(path);
    }
}

static void le_add(const char *line)
{
    if (*line)
        add_history(line);
}

/* Reload the scripts, keeping the person where they were when the ids still
 * exist; on any error keep the old scripts and show the error. */
static dbt_engine *reload(dbt_engine *e, dbt_session **s, const cli_opts *o)
{
    dbt_engine *ne = cli_load(o->skills, false, false, NULL, NULL);
    if (!ne) {
        printf("  The scripts have errors (above); still using the ones loaded before.\n\n");
        return e;
    }
    char *state = dbt_session_save(*s);
    dbt_error err;
    dbt_session *ns = state ? dbt_session_restore(ne, state, &err) : NULL;
    dbt_free(state);
    if (!ns) {
        ns = dbt_session_new(ne, o->region);
        if (!ns) {
            dbt_engine_free(ne);
            return e;
        }
        printf("  Scripts reloaded (%zu skills). The step you were on is gone, so we start "
               "again.\n\n",
               dbt_engine_skill_count(ne));
    } else {
        printf("  Scripts reloaded (%zu skills).\n\n", dbt_engine_skill_count(ne));
    }
    dbt_session_free(*s);
    dbt_engine_free(e);
    *s = ns;
    return ne;
}

int repl_run(dbt_engine **ep, const cli_opts *o)
{
    dbt_engine *e = *ep;
    setlocale(LC_ALL, "");
    install_signals();
    le_init(o->history);
    cur_engine = e;
    dbt_session *s = dbt_session_new(e, o->region);
    if (!s) {
        fprintf(stderr, "dbtcoach: out of memory\n");
        return 1;
    }
    ui u = {o->color, term_width()};
    diary_session_begin(o, s);
    const dbt_reply *r = dbt_session_start(s);
    putchar('\n');
    print_reply(&u, r);
    char prompt[64];
    if (u.color)
        snprintf(prompt, sizeof prompt, "%c\033[1;32m%cyou>%c\033[0m%c ", RL_PROMPT_START_IGNORE,
                 RL_PROMPT_END_IGNORE, RL_PROMPT_START_IGNORE, RL_PROMPT_END_IGNORE);
    else
        snprintf(prompt, sizeof prompt, "you> ");
    for (;;) {
        run_timer(&u, &r->timer);
        char *line = le_readline(prompt);
        if (!line) {
            if (!got_term) {
                putchar('\n');
                r = dbt_session_turn(s, "quit");
                print_reply(&u, r);
            }
            break;
        }
        le_add(line);
        u.width = term_width();
        putchar('\n');
        if (!strncmp(line, "/region", 7) && (line[7] == ' ' || !line[7])) {
            const char *cc = line[7] ? line + 8 : "";
            const char *now = dbt_session_set_region(s, *cc ? cc : o->region);
            printf("  Crisis lines are now for region %s.\n\n", now ? now : "?");
            free(line);
            continue;
        }
        if (!strcmp(line, "/reload")) {
            e = reload(e, &s, o);
            cur_engine = e;
            free(line);
            static const dbt_reply none;
            r = &none;
            continue;
        }
        if (diary_command(o, line, stdout)) {
            free(line);
            continue;
        }
        r = dbt_session_turn(s, line); /* "2" takes a numbered choice */
        free(line);
        print_reply(&u, r);
        diary_after_turn(o, s, r, stdout);
        if (r->ended)
            break;
    }
    if (o->history)
        save_history();
    dbt_session_free(s);
    *ep = e; /* /reload may have replaced it; the caller frees this one */
    return 0;
}
