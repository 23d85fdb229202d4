/*
 * store.c - the diary store: SQLite in WAL mode, every write in a BEGIN
 * IMMEDIATE transaction (so two coach processes take turns instead of
 * losing a row), a schema version in PRAGMA user_version with migrations
 * from version 1, files private to the person.
 */
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

struct store {
    sqlite3 *db;
    char path[4200];
    char err[512];
};

enum { BUSY_MS = 10000 };

bool store_dir(const char *flag, char *buf, size_t size)
{
    const char *env = getenv("DBTCOACH_DATA");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (flag && *flag)
        n = snprintf(buf, size, "%s", flag);
    else if (env && *env)
        n = snprintf(buf, size, "%s", env);
    else if (xdg && *xdg == '/')
        n = snprintf(buf, size, "%s/dbtcoach", xdg);
    else if (home && *home)
        n = snprintf(buf, size, "%s/.local/share/dbtcoach", home);
    else
        return false;
    return n > 0 && (size_t)n < size;
}

static void db_path(const char *dir, char *buf, size_t size)
{
    snprintf(buf, size, "%s/dbtcoach.db", dir);
}

bool store_exists(const char *dir)
{
    char p[4200];
    db_path(dir, p, sizeof p);
    return access(p, F_OK) == 0;
}

/* A message for the person about what went wrong, in plain words. */
static void describe(char *err, size_t n, const char *what, int code, const char *detail)
{
    const char *why;
    switch (code & 0xff) {
    case SQLITE_FULL: why = "the disk is full"; break;
    case SQLITE_READONLY: why = "the diary folder is read-only"; break;
    case SQLITE_CANTOPEN: why = "the diary file cannot be opened"; break;
    case SQLITE_PERM: why = "permission denied"; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: why = "another dbtcoach is busy with the diary; try again"; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: why = "the diary file is damaged"; break;
    case SQLITE_IOERR: why = "a disk error"; break;
    default: why = detail; break;
    }
    snprintf(err, n, "%s: %s", what, why);
}

static bool fail(store *st, const char *what)
{
    describe(st->err, sizeof st->err, what, sqlite3_extended_errcode(st->db),
             sqlite3_errmsg(st->db));
    return false;
}

static bool exec(store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static bool begin(store *st) { return exec(st, "BEGIN IMMEDIATE"); }

static bool commit(store *st, const char *what)
{
    if (exec(st, "COMMIT"))
        return true;
    fail(st, what);
    exec(st, "ROLLBACK");
    return false;
}

static bool rollback(store *st, const char *what)
{
    fail(st, what);
    exec(st, "ROLLBACK");
    return false;
}

/* Version 1: cards and the practice log. Version 2: the plan, settings. */
static const char *const migrations[] = {
    "CREATE TABLE card(day TEXT PRIMARY KEY, updated INTEGER NOT NULL, answers TEXT NOT NULL);"
    "CREATE TABLE practice(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, skill TEXT NOT NULL,"
    " title TEXT, before TEXT NOT NULL, after TEXT NOT NULL, answers TEXT NOT NULL);"
    "CREATE INDEX practice_at ON practice(at);",
    "CREATE TABLE plan(id INTEGER PRIMARY KEY CHECK (id = 1), updated INTEGER NOT NULL,"
    " plan TEXT NOT NULL);"
    "CREATE TABLE setting(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "INSERT OR IGNORE INTO setting VALUES ('diary', 'on');",
};

static int user_version(store *st)
{
    sqlite3_stmt *q;
    int v = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

/* Bring the schema to STORE_VERSION, one version a transaction. */
static bool migrate(store *st)
{
    for (;;) {
        if (!begin(st))
            return fail(st, "the diary could not be opened");
        int v = user_version(st);
        if (v < 0)
            return rollback(st, "the diary could not be read");
        if (v > STORE_VERSION) {
            exec(st, "ROLLBACK");
            snprintf(st->err, sizeof st->err,
                     "the diary was written by a newer dbtcoach (schema %d); update dbtcoach", v);
            return false;
        }
        if (v == STORE_VERSION) {
            exec(st, "COMMIT");
            return true;
        }
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if (!exec(st, migrations[v]) || !exec(st, sql))
            return rollback(st, "the diary could not be updated");
        if (!commit(st, "the diary could not be updated"))
            return false;
    }
}

/* mkdir -p, each new folder private. */
static bool make_dir(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof p, "%s", dir);
    for (char *c = p + 1; *c; c++)
        if (*c == '/') {
            *c = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST)
                return false;
            *c = '/';
        }
    if (mkdir(p, 0700) != 0 && errno != EEXIST)
        return false;
    return true;
}

store *store_open(const char *dir, bool create, char *err, size_t errlen)
{
    store *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    db_path(dir, st->path, sizeof st->path);
    bool existed = access(st->path, F_OK) == 0;
    if (!existed && !create) {
        snprintf(err, errlen, "there is no diary in %s (turn it on with: dbtcoach diary on)", dir);
        free(st);
        return NULL;
    }
    if (!existed) {
        struct stat sd;
        bool had_dir = stat(dir, &sd) == 0;
        if (!make_dir(dir)) {
            snprintf(err, errlen, "the diary folder %s cannot be made: %s", dir, strerror(errno));
            free(st);
            return NULL;
        }
        if (!had_dir)
            chmod(dir, 0700);
    }
    mode_t old = umask(077);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(st->path, &st->db, flags, NULL);
    umask(old);
    if (rc != SQLITE_OK) {
        describe(err, errlen, "the diary cannot be opened", rc,
                 st->db ? sqlite3_errmsg(st->db) : "error");
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, BUSY_MS);
    chmod(st->path, 0600);
    sqlite3_stmt *q;
    bool ok = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &q, NULL) == SQLITE_OK &&
              sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    if (!ok || !exec(st, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL") || !migrate(st)) {
        if (!st->err[0])
            fail(st, "the diary cannot be opened");
        snprintf(err, errlen, "%s", st->err);
        store_close(st);
        if (!existed)
            store_delete(dir, NULL, 0);
        return NULL;
    }
    return st;
}

void store_close(store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st);
}

const char *store_error(const store *st) { return st->err; }
const char *store_path(const store *st) { return st->path; }

bool store_limit_pages(store *st, int pages)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %d", pages);
    return exec(st, sql);
}

static char *dump(json_t *j)
{
    return j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : strdup("{}");
}

/* A diary card: today's answers, merged over the ones kept earlier today. */
static bool add_card(store *st, json_t *answers, time_t when)
{
    char day[16];
    struct tm tm;
    localtime_r(&when, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    if (!begin(st))
        return fail(st, "today's card was not kept");
    sqlite3_stmt *q = NULL;
    json_t *merged = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT answers FROM card WHERE day = ?1", -1, &q, NULL) !=
        SQLITE_OK)
        return rollback(st, "today's card was not kept");
    sqlite3_bind_text(q, 1, day, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        merged = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
    sqlite3_finalize(q);
    if (!json_is_object(merged)) {
        json_decref(merged);
        merged = json_object();
    }
    json_object_update(merged, answers);
    char *txt = dump(merged);
    json_decref(merged);
    bool ok = sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO card VALUES (?1, ?2, ?3)", -1, &q,
                                 NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(q, 1, day, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)when);
        sqlite3_bind_text(q, 3, txt, -1, SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    free(txt);
    if (!ok)
        return rollback(st, "today's card was not kept");
    return commit(st, "today's card was not kept");
}

static bool add_practice(store *st, json_t *rec, time_t when)
{
    char *before = dump(json_object_get(rec, "before"));
    char *after = dump(json_object_get(rec, "after"));
    char *answers = dump(json_object_get(rec, "answers"));
    sqlite3_stmt *q = NULL;
    bool ok = begin(st) &&
              sqlite3_prepare_v2(st->db,
                                 "INSERT INTO practice(at, skill, title, before, after, answers) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)when);
        sqlite3_bind_text(q, 2, json_string_value(json_object_get(rec, "skill")), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(q, 3, json_string_value(json_object_get(rec, "title")), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(q, 4, before, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 5, after, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, answers, -1, SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    free(before);
    free(after);
    free(answers);
    if (!ok)
        return rollback(st, "this exercise was not added to the practice log");
    return commit(st, "this exercise was not added to the practice log");
}

static bool add_plan(store *st, json_t *plan, time_t when)
{
    char *txt = dump(plan);
    sqlite3_stmt *q = NULL;
    bool ok =
        begin(st) && sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO plan VALUES (1, ?1, ?2)",
                                        -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, (sqlite3_int64)when);
        sqlite3_bind_text(q, 2, txt, -1, SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    free(txt);
    if (!ok)
        return rollback(st, "your safety plan was not kept");
    return commit(st, "your safety plan was not kept");
}

bool store_add_record(store *st, const char *record_json, time_t when)
{
    json_t *rec = json_loads(record_json, 0, NULL);
    const char *kind = json_string_value(json_object_get(rec, "kind"));
    bool ok;
    if (!kind) {
        snprintf(st->err, sizeof st->err, "a record without a kind was not kept");
        ok = false;
    } else if (!strcmp(kind, "diary")) {
        ok = add_card(st, json_object_get(rec, "answers"), when);
    } else if (!strcmp(kind, "plan")) {
        ok = add_plan(st, json_object_get(rec, "plan"), when);
    } else {
        ok = add_practice(st, rec, when);
    }
    json_decref(rec);
    return ok;
}

bool store_set(store *st, const char *key, const char *value)
{
    sqlite3_stmt *q = NULL;
    bool ok =
        begin(st) && sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO setting VALUES (?1, ?2)",
                                        -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    if (!ok)
        return rollback(st, "the setting was not changed");
    return commit(st, "the setting was not changed");
}

/* The first column of the first row of `sql` (one text parameter, may be
 * NULL) as a new string, or NULL. */
static char *one_text(store *st, const char *sql, const char *param)
{
    sqlite3_stmt *q;
    char *v = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK) {
        fail(st, "the diary could not be read");
        return NULL;
    }
    if (param)
        sqlite3_bind_text(q, 1, param, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
        v = strdup((const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    return v;
}

bool store_diary_on(store *st)
{
    char *v = one_text(st, "SELECT value FROM setting WHERE key = ?1", "diary");
    bool on = v && !strcmp(v, "on");
    free(v);
    return on;
}

char *store_plan(store *st) { return one_text(st, "SELECT plan FROM plan WHERE id = 1", NULL); }

bool store_forget_plan(store *st)
{
    if (!begin(st) || !exec(st, "DELETE FROM plan"))
        return rollback(st, "the plan was not deleted");
    return commit(st, "the plan was not deleted");
}

static json_t *column_json(sqlite3_stmt *q, int col)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    json_t *j = t ? json_loads(t, 0, NULL) : NULL;
    return j ? j : json_object();
}

char *store_export(store *st, const char *since)
{
    json_t *cards = json_array(), *practice = json_array();
    sqlite3_stmt *q;
    bool ok = true;
    /* Reading both tables in one transaction gives one consistent view. */
    exec(st, "BEGIN");
    if (sqlite3_prepare_v2(st->db,
                           "SELECT day, updated, answers FROM card WHERE day >= ?1 ORDER BY day",
                           -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, since, -1, SQLITE_STATIC);
        while (sqlite3_step(q) == SQLITE_ROW)
            json_array_append_new(
                cards, json_pack("{s:s,s:I,s:o}", "day", (const char *)sqlite3_column_text(q, 0),
                                 "updated", (json_int_t)sqlite3_column_int64(q, 1), "answers",
                                 column_json(q, 2)));
    } else {
        ok = false;
    }
    sqlite3_finalize(q);
    if (ok && sqlite3_prepare_v2(st->db,
                                 "SELECT at, skill, coalesce(title, skill), before, after, answers "
                                 "FROM practice WHERE date(at, 'unixepoch', 'localtime') >= ?1 "
                                 "ORDER BY at, id",
                                 -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_text(q, 1, since, -1, SQLITE_STATIC);
        while (sqlite3_step(q) == SQLITE_ROW)
            json_array_append_new(
                practice,
                json_pack("{s:I,s:s,s:s,s:o,s:o,s:o}", "at", (json_int_t)sqlite3_column_int64(q, 0),
                          "skill", (const char *)sqlite3_column_text(q, 1), "title",
                          (const char *)sqlite3_column_text(q, 2), "before", column_json(q, 3),
                          "after", column_json(q, 4), "answers", column_json(q, 5)));
        sqlite3_finalize(q);
    } else {
        ok = false;
    }
    exec(st, "COMMIT");
    if (!ok) {
        fail(st, "the diary could not be read");
        json_decref(cards);
        json_decref(practice);
        return NULL;
    }
    json_t *all = json_pack("{s:o,s:o}", "cards", cards, "practice", practice);
    char *txt = json_dumps(all, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(all);
    return txt;
}

bool store_delete(const char *dir, char *err, size_t errlen)
{
    static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
    char base[4200], p[4300];
    db_path(dir, base, sizeof base);
    bool ok = true;
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(p, sizeof p, "%s%s", base, tails[i]);
        if (unlink(p) != 0 && errno != ENOENT) {
            if (err)
                snprintf(err, errlen, "%s could not be deleted: %s", p, strerror(errno));
            ok = false;
        }
    }
    return ok;
}
