#!/bin/sh
# Installs the browser and hub tests' npm packages, at the versions pinned in
# tests/browser/package-lock.json: axe-core (the accessibility audit injects axe.min.js) and
# configurable-http-proxy (JupyterHub's proxy, for make test-hub). Why a script: nothing is
# fetched while the tests run, and a missing npm or node should stop the run with the install
# command, not with a stack trace. Usage: ensure-axe.sh [TARGET] (the make target, for messages).
set -u
DIR=tests/browser
WHO=${1:-test-browser}
if [ -f "$DIR/node_modules/axe-core/axe.min.js" ] && [ -x "$DIR/node_modules/.bin/configurable-http-proxy" ] &&
   cmp -s "$DIR/package-lock.json" "$DIR/node_modules/.package-lock.json.course"; then
    :
else
    if ! command -v npm >/dev/null 2>&1; then
        printf '%s: the tests need axe-core and configurable-http-proxy from npm, and npm is missing.\n' "$WHO" >&2
        printf '  On Debian or Ubuntu: sudo apt-get install npm   (then run make %s again)\n' "$WHO" >&2
        exit 1
    fi
    printf '%s: installing axe-core and configurable-http-proxy (pinned in %s/package-lock.json) with npm ci...\n' "$WHO" "$DIR"
    if ! npm ci --prefix "$DIR" --no-audit --no-fund --loglevel=error; then
        printf '%s: npm ci failed; check the network or your npm registry, then run make %s again.\n' "$WHO" "$WHO" >&2
        exit 1
    fi
    cp "$DIR/package-lock.json" "$DIR/node_modules/.package-lock.json.course"
fi
if [ "$WHO" != test-browser ] && ! command -v node >/dev/null 2>&1; then
    printf '%s: JupyterHub'"'"'s proxy runs on node, which is missing. On Debian or Ubuntu: sudo apt-get install nodejs\n' "$WHO" >&2
    exit 1
fi
exit 0
