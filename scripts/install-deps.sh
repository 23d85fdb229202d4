#!/bin/sh
# Install the Debian packages dbtcoach needs to build and test, and only the
# ones that are missing. Safe to run again: with everything present it does
# nothing and prints nothing.
set -eu

# pkg-config module -> Debian package
deps="libpcre2-8:libpcre2-dev yaml-0.1:libyaml-dev readline:libreadline-dev
jansson:libjansson-dev libutf8proc:libutf8proc-dev cmocka:libcmocka-dev
sqlite3:libsqlite3-dev libmicrohttpd:libmicrohttpd-dev hiredis:libhiredis-dev"
# header -> Debian package, for libraries without a pkg-config file
headers="libstemmer.h:libstemmer-dev"

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
for d in $deps; do
    mod=${d%%:*}
    pkg=${d#*:}
    if ! pkg-config --exists "$mod" 2>/dev/null; then
        missing="$missing $pkg"
    fi
done
for h in $headers; do
    [ -f "/usr/include/${h%%:*}" ] || missing="$missing ${h#*:}"
done
# Tools the test suite drives the coach with (a command and its package share
# a name), and other packages some targets need.
for extra in ${DBTCOACH_TEST_TOOLS:-}; do
    command -v "$extra" >/dev/null 2>&1 || missing="$missing $extra"
done
for pkg in ${DBTCOACH_TEST_PKGS:-}; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done

[ -n "$missing" ] || exit 0

echo "dbtcoach: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "dbtcoach: these packages are missing:$missing" >&2
    echo "dbtcoach: run as root, or install them with: apt-get install$missing" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "dbtcoach: no apt-get here; install the equivalents of:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$sudo apt-get update -qq >&2 || true
# shellcheck disable=SC2086
if ! $sudo apt-get install -y -qq --no-install-recommends $missing >&2; then
    echo "dbtcoach: could not install:$missing" >&2
    echo "dbtcoach: install them by hand: apt-get install$missing" >&2
    exit 1
fi
