/*
 * test_store.c - the command's diary store: files private to the person,
 * WAL, records of each kind, a card edited the same day, migration from a
 * version-1 database, a full disk and an unwritable folder, and two
 * processes writing at once without losing a row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

static char *new_dir(void)
{
    char tmpl[] = "/tmp/dbt-store-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    char *dir = malloc(strlen(d) + 8);
    sprintf(dir, "%s/data", d);
    return dir;
}

static void rm_dir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strrchr(dir, '/') - dir), dir);
    assert_int_equal(system(cmd), 0);
    free(dir);
}

static json_t *export_all(store *st)
{
    char *txt = store_export(st, "1970-01-01");
    assert_non_null(txt);
    json_t *j = json_loads(txt, 0, NULL);
    free(txt);
    assert_non_null(j);
    return j;
}

static const char *const practice =
    "{\"kind\":\"practice\",\"skill\":\"stop\",\"title\":\"STOP\",\"before\":{\"urge\":7},"
    "\"after\":{\"urge\":3},\"answers\":{\"urge_before\":\"7\",\"urge_after\":\"3\"}}";

static void test_create_private(void **state)
{
    (void)state;
    char *dir = new_dir();
    char err[600], path[700];
    assert_false(store_exists(dir));
    assert_null(store_open(dir, false, err, sizeof err));
    assert_non_null(strstr(err, "no diary"));
    store *st = store_open(dir, true, err, sizeof err);
    assert_non_null(st);
    struct stat sd, sf;
    snprintf(path, sizeof path, "%s/dbtcoach.db", dir);
    assert_int_equal(stat(dir, &sd), 0);
    assert_int_equal(stat(path, &sf), 0);
    assert_int_equal(sd.st_mode & 0777, 0700);
    assert_int_equal(sf.st_mode & 0777, 0600);
    assert_true(store_diary_on(st));
    store_close(st);

    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), STORE_VERSION);
    sqlite3_finalize(q);
    sqlite3_close(db);
    rm_dir(dir);
}

static void test_records(void **state)
{
    (void)state;
    char *dir = new_dir();
    char err[600];
    store *st = store_open(dir, true, err, sizeof err);
    assert_non_null(st);
    time_t now = time(NULL);
    assert_true(store_add_record(st, practice, now));
    assert_true(store_add_record(
        st,
        "{\"kind\":\"diary\",\"skill\":\"diary-card\",\"answers\":{\"emotion_sadness\":\"2\","
        "\"note\":\"first\"}}",
        now));
    /* The same day again: one card, new answers over the old. */
    assert_true(store_add_record(
        st, "{\"kind\":\"diary\",\"skill\":\"diary-card\",\"answers\":{\"emotion_sadness\":\"4\"}}",
        now + 1));
    assert_true(store_add_record(
        st, "{\"kind\":\"plan\",\"skill\":\"safety-plan\",\"plan\":{\"reasons\":[\"Miso\"]}}",
        now));
    json_t *all = export_all(st);
    json_t *cards = json_object_get(all, "cards");
    assert_int_equal(json_array_size(cards), 1);
    json_t *a = json_object_get(json_array_get(cards, 0), "answers");
    assert_string_equal(json_string_value(json_object_get(a, "emotion_sadness")), "4");
    assert_string_equal(json_string_value(json_object_get(a, "note")), "first");
    json_t *p = json_array_get(json_object_get(all, "practice"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "skill")), "stop");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "after"), "urge")), 3);
    json_decref(all);
    char *plan = store_plan(st);
    assert_non_null(plan);
    assert_non_null(strstr(plan, "Miso"));
    free(plan);
    assert_true(store_forget_plan(st));
    assert_null(store_plan(st));
    assert_false(store_add_record(st, "{\"nokind\":1}", now));
    store_close(st);
    assert_true(store_delete(dir, err, sizeof err));
    assert_false(store_exists(dir));
    rm_dir(dir);
}

/* A database as version 1 wrote it: cards and practice, no plan. */
static void test_migration(void **state)
{
    (void)state;
    char *dir = new_dir();
    char path[700], err[600];
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/dbtcoach.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE card(day TEXT PRIMARY KEY, updated INTEGER NOT NULL,"
                     " answers TEXT NOT NULL);"
                     "CREATE TABLE practice(id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
                     " skill TEXT NOT NULL, title TEXT, before TEXT NOT NULL, after TEXT NOT NULL,"
                     " answers TEXT NOT NULL);"
                     "CREATE INDEX practice_at ON practice(at);"
                     "INSERT INTO practice VALUES (1, 1000, 'tipp', 'TIPP', '{}', '{}', '{}');"
                     "PRAGMA user_version = 1;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    store *st = store_open(dir, false, err, sizeof err);
    assert_non_null(st);
    json_t *all = export_all(st);
    assert_int_equal(json_array_size(json_object_get(all, "practice")), 1);
    json_decref(all);
    assert_true(store_add_record(
        st, "{\"kind\":\"plan\",\"skill\":\"safety-plan\",\"plan\":{\"coping\":[\"walk\"]}}",
        time(NULL)));
    assert_true(store_diary_on(st));
    store_close(st);

    /* A newer schema than this program knows is refused, not damaged. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_null(store_open(dir, false, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
    rm_dir(dir);
}

static void test_full_disk(void **state)
{
    (void)state;
    char *dir = new_dir();
    char err[600];
    store *st = store_open(dir, true, err, sizeof err);
    assert_non_null(st);
    assert_true(store_add_record(st, practice, time(NULL)));
    /* No more pages than it has now (SQLite keeps the ones in use). */
    assert_true(store_limit_pages(st, 1));
    char big[8000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *rec = malloc(sizeof big + 200);
    sprintf(rec, "{\"kind\":\"practice\",\"skill\":\"stop\",\"answers\":{\"note\":\"%s\"}}", big);
    bool ok = true;
    for (int i = 0; i < 50 && ok; i++)
        ok = store_add_record(st, rec, time(NULL));
    free(rec);
    assert_false(ok);
    assert_non_null(strstr(store_error(st), "disk is full"));
    /* What was kept before is still there, and the store still answers. */
    json_t *all = export_all(st);
    assert_true(json_array_size(json_object_get(all, "practice")) > 0);
    json_decref(all);
    assert_true(store_add_record(st, "{\"kind\":\"plan\",\"plan\":{}}", time(NULL)) ||
                strstr(store_error(st), "disk is full"));
    store_close(st);
    rm_dir(dir);
}

static void test_unwritable(void **state)
{
    (void)state;
    char err[600];
    /* A folder nobody can make, even root. */
    assert_null(store_open("/proc/1/dbtcoach-test", true, err, sizeof err));
    assert_non_null(strstr(err, "cannot be made"));
    if (geteuid() != 0) {
        char *dir = new_dir();
        assert_int_equal(mkdir(dir, 0500), 0);
        assert_null(store_open(dir, true, err, sizeof err));
        chmod(dir, 0700);
        rm_dir(dir);
    }
}

enum { WRITERS = 2, ROWS = 150 };

static void test_two_writers(void **state)
{
    (void)state;
    char *dir = new_dir();
    char err[600];
    store *st = store_open(dir, true, err, sizeof err);
    assert_non_null(st);
    store_close(st);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            store *mine = store_open(dir, false, err, sizeof err);
            int bad = !mine;
            for (int i = 0; mine && i < ROWS; i++)
                bad += !store_add_record(mine, practice, time(NULL));
            store_close(mine);
            free(dir);
            _exit(bad ? 1 : 0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    st = store_open(dir, false, err, sizeof err);
    assert_non_null(st);
    json_t *all = export_all(st);
    assert_int_equal(json_array_size(json_object_get(all, "practice")), WRITERS * ROWS);
    json_decref(all);
    store_close(st);
    rm_dir(dir);
}

static void test_dir(void **state)
{
    (void)state;
    char buf[4096];
    assert_true(store_dir("/x/flag", buf, sizeof buf));
    assert_string_equal(buf, "/x/flag");
    setenv("DBTCOACH_DATA", "/x/env", 1);
    assert_true(store_dir(NULL, buf, sizeof buf));
    assert_string_equal(buf, "/x/env");
    unsetenv("DBTCOACH_DATA");
    setenv("XDG_DATA_HOME", "/x/xdg", 1);
    assert_true(store_dir(NULL, buf, sizeof buf));
    assert_string_equal(buf, "/x/xdg/dbtcoach");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/x/home", 1);
    assert_true(store_dir(NULL, buf, sizeof buf));
    assert_string_equal(buf, "/x/home/.local/share/dbtcoach");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_private),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_migration),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_two_writers),
        cmocka_unit_test(test_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
