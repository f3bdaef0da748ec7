#!/bin/sh
# Makes sure Debian's Chromium is at /usr/bin/chromium before the browser tests start.
# Why: Playwright drives the system browser and must never download its own, and a
# missing browser should stop the run with the install command, not with a stack trace.
set -u
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
    printf 'test-browser: %s is missing; installing Debian'"'"'s chromium package...\n' "$CHROMIUM"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; then
        [ -x "$CHROMIUM" ] && exit 0
    fi
    printf 'test-browser: installing chromium with apt-get failed; run "apt-get install chromium" to see why.\n' >&2
    exit 1
fi
printf 'test-browser: the browser tests need Chromium at %s, which is missing.\n' "$CHROMIUM" >&2
printf '  On Debian or Ubuntu: sudo apt-get install chromium   (Ubuntu: chromium-browser)\n' >&2
printf '  Elsewhere, install Chromium and run: make test-browser CHROMIUM=/path/to/chromium\n' >&2
exit 1
