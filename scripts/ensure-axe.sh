#!/bin/sh
# Installs axe-core, at the version pinned in tests/browser/package-lock.json, for the
# browser tests' accessibility audit. Why a script: the tests inject axe.min.js from this
# local copy (nothing is fetched while they run), and a missing npm should stop the run with
# the install command, not with a stack trace.
set -u
DIR=tests/browser
if [ -f "$DIR/node_modules/axe-core/axe.min.js" ] && cmp -s "$DIR/package-lock.json" "$DIR/node_modules/.package-lock.json.course"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    printf 'test-browser: the accessibility tests need axe-core from npm, and npm is missing.\n' >&2
    printf '  On Debian or Ubuntu: sudo apt-get install npm   (then run make test-browser again)\n' >&2
    exit 1
fi
printf 'test-browser: installing axe-core (pinned in %s/package-lock.json) with npm ci...\n' "$DIR"
if ! npm ci --prefix "$DIR" --no-audit --no-fund --loglevel=error; then
    printf 'test-browser: npm ci failed; check the network or your npm registry, then run make test-browser again.\n' >&2
    exit 1
fi
cp "$DIR/package-lock.json" "$DIR/node_modules/.package-lock.json.course"
