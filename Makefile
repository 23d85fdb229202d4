# dbtcoach - build, test and install.
#
#   make            build build/libdbtcoach.a, build/libdbtcoach.so, build/dbtcoach
#   make run        build and start the coach with the shipped skills
#   make test       build and run every test; ends with "N passed, M failed"
#   make asan       the whole suite under AddressSanitizer + UBSan
#   make valgrind   the transcript suite under valgrind
#   make bench      benchmarks (not part of make test)
#   make bench-serve  dbtcoach serve under wrk, memory and Redis stores, next to a bare handler
#   make install    PREFIX=/usr/local DESTDIR=
#
# Every target that builds first makes sure the libraries it needs are
# installed (scripts/install-deps.sh).

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCDIR = $(PREFIX)/include
DATADIR = $(PREFIX)/share/dbtcoach
MANDIR = $(PREFIX)/share/man/man1

B ?= build
CC ?= cc
SOVERSION = 0
VERSION = 0.1.0

PKGS = libpcre2-8 yaml-0.1 jansson libutf8proc
# The command alone (its diary store, dbtcoach serve) also needs these; the
# library never uses them.
CLI_PKGS = sqlite3 libmicrohttpd hiredis
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wno-format-nonliteral -Werror
OPT ?= -O2 -g
SAN ?=
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(SAN) $(WARN) \
             $(CFLAGS)
DEPS_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libstemmer (Snowball) has no pkg-config file: its header is checked by
# scripts/install-deps.sh.
DEPS_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer
CLI_CFLAGS = $(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null)
CLI_LIBS = $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null) -pthread

ifeq ($(EDITLINE),1)
RL_CFLAGS = -DDBT_EDITLINE $(shell pkg-config --cflags libedit 2>/dev/null)
RL_LIBS = $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)
else
RL_CFLAGS =
RL_LIBS = -lreadline
endif

ENGINE_SRC = $(filter-out engine/memhook.c,$(wildcard engine/*.c))
ENGINE_OBJ = $(ENGINE_SRC:engine/%.c=$(B)/engine/%.o) $(B)/engine/memhook.o
PIC_OBJ = $(ENGINE_OBJ:$(B)/engine/%.o=$(B)/pic/%.o)
CLI_SRC = $(wildcard engine/cli/*.c)
CLI_OBJ = $(CLI_SRC:engine/cli/%.c=$(B)/cli/%.o)

DEPSTAMP = $(B)/.deps-ok

.PHONY: all run test check-deps asan ubsan valgrind bench bench-serve install uninstall clean \
        lint format examples fuzz tsan

all: $(B)/libdbtcoach.a $(B)/libdbtcoach.so $(B)/dbtcoach

$(DEPSTAMP): scripts/install-deps.sh
	@mkdir -p $(B)
	@sh scripts/install-deps.sh
	@touch $@

check-deps:
	@sh scripts/install-deps.sh

$(B)/engine/%.o: engine/%.c $(wildcard engine/*.h) $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DDBT_BUILDING -fvisibility=hidden $(DEPS_CFLAGS) -c $< -o $@

$(B)/pic/%.o: engine/%.c $(wildcard engine/*.h) $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -DDBT_BUILDING -fvisibility=hidden -fPIC $(DEPS_CFLAGS) -c $< -o $@

$(B)/cli/%.o: engine/cli/%.c $(wildcard engine/*.h engine/cli/*.h) $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread $(RL_CFLAGS) $(DEPS_CFLAGS) $(CLI_CFLAGS) -Iengine \
	    -DDBT_DATADIR='"$(DATADIR)"' -c $< -o $@

$(B)/libdbtcoach.a: $(ENGINE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/libdbtcoach.so: $(PIC_OBJ)
	$(CC) -shared -Wl,-soname,libdbtcoach.so.$(SOVERSION) $(SAN) -o $(B)/libdbtcoach.so.$(VERSION) $^ $(DEPS_LIBS)
	ln -sf libdbtcoach.so.$(VERSION) $(B)/libdbtcoach.so.$(SOVERSION)
	ln -sf libdbtcoach.so.$(VERSION) $@

$(B)/dbtcoach: $(CLI_OBJ) $(B)/libdbtcoach.a
	$(CC) $(SAN) -o $@ $(CLI_OBJ) $(B)/libdbtcoach.a $(DEPS_LIBS) $(CLI_LIBS) $(RL_LIBS)

run: $(B)/dbtcoach
	@$(B)/dbtcoach --skills skills

# Unit tests (cmocka), one program per file under tests/unit; test_store
# links the command's store.
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

$(B)/tests/test_store: tests/unit/test_store.c engine/cli/store.c engine/cli/store.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread $(DEPS_CFLAGS) $(CLI_CFLAGS) $(shell pkg-config --cflags cmocka) \
	    -Iengine/cli -o $@ $< engine/cli/store.c $(DEPS_LIBS) $(CLI_LIBS) \
	    $(shell pkg-config --libs cmocka) -pthread

$(B)/tests/%: tests/unit/%.c $(B)/libdbtcoach.a $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread $(DEPS_CFLAGS) $(shell pkg-config --cflags cmocka) -Iengine \
	    -o $@ $< $(B)/libdbtcoach.a $(DEPS_LIBS) $(shell pkg-config --libs cmocka) -pthread

# Fuzz harnesses, replayed over their seeds and past crashes in `make test`.
FUZZERS = turn load restore jsonl
REPLAY_BIN = $(FUZZERS:%=$(B)/replay/fuzz_%)
FUZZ_EXTRA_jsonl = engine/cli/jsonl.c engine/cli/proto.c

$(B)/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(B)/libdbtcoach.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEPS_CFLAGS) -Iengine -Iengine/cli -o $@ $< tests/fuzz/replay.c \
	    $(FUZZ_EXTRA_$*) $(B)/libdbtcoach.a $(DEPS_LIBS)

test: all $(UNIT_BIN) $(REPLAY_BIN)
	@DBTCOACH_TEST_TOOLS="tmux curl redis-server" DBTCOACH_TEST_PKGS="wamerican fortunes-min fortunes" sh scripts/install-deps.sh
	@sh tests/run.sh $(B)

asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

ubsan:
	$(MAKE) B=build/ubsan OPT="-O1 -g" SAN="-fsanitize=undefined -fno-sanitize-recover=all" test

# libFuzzer, with ASan and UBSan: each harness for FUZZ_SECONDS. New inputs go
# to build/fuzz/corpus-NAME; a crash is saved as build/fuzz/NAME-crash-*, to be
# copied into tests/fuzz/regressions/NAME once fixed.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

fuzz: $(DEPSTAMP)
	@DBTCOACH_TEST_TOOLS="clang" DBTCOACH_TEST_PKGS="libclang-rt-14-dev" sh scripts/install-deps.sh
	@mkdir -p build/fuzz
	@for f in $(FUZZERS); do \
	    extra=""; [ $$f = jsonl ] && extra="engine/cli/jsonl.c engine/cli/proto.c"; \
	    $(FUZZ_CC) $(FUZZ_FLAGS) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	        $(DEPS_CFLAGS) -Iengine -Iengine/cli -o build/fuzz/fuzz_$$f \
	        tests/fuzz/fuzz_$$f.c $(ENGINE_SRC) engine/memhook.c $$extra $(DEPS_LIBS) || exit 1; \
	done
	@for f in $(FUZZERS); do \
	    mkdir -p build/fuzz/corpus-$$f; \
	    echo "--- fuzz_$$f for $(FUZZ_SECONDS) s"; \
	    DBTCOACH_SKILLS=skills build/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	        -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=build/fuzz/$$f- \
	        build/fuzz/corpus-$$f tests/fuzz/seeds/$$f 2>build/fuzz/$$f.log || \
	        { tail -50 build/fuzz/$$f.log; exit 1; }; \
	    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|cov: " build/fuzz/$$f.log | tail -3; \
	done

# Static analysis of the C code (no warnings allowed), and formatting.
TIDY_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iengine $(DEPS_CFLAGS) $(CLI_CFLAGS)
C_FILES = engine/*.c engine/*.h engine/cli/*.c engine/cli/*.h tests/unit/*.c tests/unit/*.h \
          tests/bench/*.c tests/fuzz/*.c examples/c/*.c

lint: $(DEPSTAMP)
	@command -v clang-tidy >/dev/null && command -v cppcheck >/dev/null || \
	    DBTCOACH_TEST_TOOLS="clang-tidy cppcheck" sh scripts/install-deps.sh
	clang-tidy --quiet --warnings-as-errors='*' engine/*.c engine/cli/*.c -- $(TIDY_FLAGS)
	cppcheck --enable=warning,style,performance,portability --std=c11 --inline-suppr -q \
	    --error-exitcode=1 -Iengine --suppress=missingIncludeSystem engine
	clang-format --dry-run --Werror $(C_FILES)

format:
	clang-format -i $(C_FILES)

# The thread test under ThreadSanitizer.
tsan:
	$(MAKE) B=build/tsan OPT="-O1 -g" SAN="-fsanitize=thread" build/tsan/tests/test_threads
	DBTCOACH_SKILLS=skills TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_threads

# The minimal C front end in examples/c.
examples: $(B)/libdbtcoach.a
	$(MAKE) -C examples/c DBTCOACH_LIB=$(abspath $(B))/libdbtcoach.a

valgrind: all $(UNIT_BIN)
	@DBTCOACH_TEST_TOOLS="valgrind" sh scripts/install-deps.sh
	@DBT_VALGRIND=1 sh tests/run.sh $(B) transcripts unit

$(B)/bench: tests/bench/bench.c $(B)/libdbtcoach.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(DEPS_CFLAGS) -Iengine -o $@ $< $(B)/libdbtcoach.a $(DEPS_LIBS)

# Benchmarks: not part of make test. BENCH_MAX_RULES=10000 for a quicker run.
bench: all $(B)/bench
	$(B)/bench $(B)/bench.json $(B)/dbtcoach

# The HTTP service under wrk, next to a bare libmicrohttpd handler (the limit).
$(B)/bench_bare_http: tests/bench/bare_http.c $(DEPSTAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -pthread $(CLI_CFLAGS) -o $@ $< $(CLI_LIBS)

bench-serve: all $(B)/bench_bare_http
	@DBTCOACH_TEST_TOOLS="wrk curl redis-server python3" sh scripts/install-deps.sh
	@sh tests/bench/serve.sh $(B)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)
	install -m 755 $(B)/dbtcoach $(DESTDIR)$(BINDIR)/dbtcoach
	install -m 644 engine/dbtcoach.h $(DESTDIR)$(INCDIR)/dbtcoach.h
	install -m 644 $(B)/libdbtcoach.a $(DESTDIR)$(LIBDIR)/libdbtcoach.a
	install -m 755 $(B)/libdbtcoach.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libdbtcoach.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdbtcoach.so.$(SOVERSION)
	ln -sf libdbtcoach.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdbtcoach.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' dbtcoach.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/dbtcoach.pc
	cp -R skills $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(DATADIR)/web
	install -m 644 web/index.html web/app.js web/style.css $(DESTDIR)$(DATADIR)/web/
	find $(DESTDIR)$(DATADIR)/skills -type f -exec chmod 644 {} +
	if [ -f dbtcoach.1 ]; then install -m 644 dbtcoach.1 $(DESTDIR)$(MANDIR)/dbtcoach.1; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dbtcoach $(DESTDIR)$(INCDIR)/dbtcoach.h \
	    $(DESTDIR)$(LIBDIR)/libdbtcoach.* $(DESTDIR)$(LIBDIR)/pkgconfig/dbtcoach.pc \
	    $(DESTDIR)$(MANDIR)/dbtcoach.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build
	-$(MAKE) -C examples/c clean
