#!/bin/sh
# Creates or refreshes .venv from requirements.lock, and does nothing when it is current.
# Why a script and not make alone: a usable answer for a too-old Python, a broken .venv
# or no route to PyPI needs a few checks that make expresses badly.
set -u
PY=${1:-python3}
VENV=.venv
STAMP=$VENV/.course-env

fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

command -v "$PY" >/dev/null 2>&1 ||
    fail "'$PY' was not found. Install Python 3.11 or newer, or name one: make test PYTHON=python3.12"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null ||
    fail "this course needs Python 3.11 or newer; '$PY' is $("$PY" -V 2>&1). Install a newer Python and run: make test PYTHON=python3.11"

want="$("$PY" -c 'import sys; print(sys.version.split()[0])') $(cat requirements.lock pyproject.toml | cksum)"

if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    printf 'setup: .venv is broken (its python does not start); building a new one.\n' >&2
    rm -rf "$VENV"
fi
# JupyterLab settings the course needs (scripts/jupyterlab/README.md says which and why),
# copied on every run so that an edited file reaches an existing .venv too.
lab_settings() {
    mkdir -p "$VENV/share/jupyter/lab/settings" &&
        cp scripts/jupyterlab/overrides.json "$VENV/share/jupyter/lab/settings/overrides.json"
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && "$VENV/bin/python" -c 'import helpers' >/dev/null 2>&1; then
    lab_settings
    exit 0
fi
if [ -d "$VENV" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP" | cut -d' ' -f1)" != "$("$PY" -c 'import sys; print(sys.version.split()[0])')" ]; then
    printf 'setup: .venv was made with another Python; building a new one.\n' >&2
    rm -rf "$VENV"
fi

printf 'setup: installing the pinned course environment into .venv (first time: a few minutes)...\n'
rm -f "$STAMP"
[ -d "$VENV" ] || "$PY" -m venv "$VENV" || fail "could not create .venv with '$PY -m venv' (on Debian/Ubuntu: apt install python3-venv)."
log=$(mktemp)
# --no-compile: modules compile when first imported (the Makefile lets Python keep the result),
# so set-up does not spend half a minute compiling the many that no lesson or test imports.
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-compile --retries 2 --timeout 30 \
        -r requirements.lock >"$log" 2>&1 ||
   ! "$VENV/bin/python" -m pip install --disable-pip-version-check --retries 2 --timeout 30 \
        --no-deps -e . >>"$log" 2>&1; then
    tail -n 15 "$log" >&2
    # No route to the index also ends in "No matching distribution" (pip saw no versions at
    # all), so the connection errors are looked for first; without them, the index answered
    # and has no such version: a pin to fix, not a network to check.
    missing=$(sed -n 's/.*No matching distribution found for \([^ ]*\).*/\1/p' "$log" | head -n 1)
    if grep -qiE 'NewConnectionError|Failed to establish|Connection (refused|reset|aborted)|ConnectionError|Network is unreachable|name resolution|Name or service not known|timed out|ProxyError|SSLError|Could not fetch URL' "$log" ||
       { [ -z "$missing" ] && grep -qiE 'connection|network' "$log"; }; then
        rm -f "$log"
        fail "pip could not reach the package index (PyPI). Check your network or proxy (PIP_INDEX_URL), then run the command again; .venv will be completed, nothing is lost."
    fi
    if [ -n "$missing" ]; then
        rm -f "$log"
        name=${missing%%[=<>!~]*}
        version=${missing#"$name"}
        version=${version#==}
        fail "the package index has no $name ${version:-release} ($missing): that pin is wrong (a typo, or a version that does not exist) or not released yet. Correct it in requirements.lock, pyproject.toml and environment.yml (tests/test_environment_pins.py checks they agree; MAINTAINING.md, \"Bumping a pinned library\"), then run the command again."
    fi
    rm -f "$log"
    fail "installing the pinned packages failed (pip's last lines are above). Delete .venv and run the command again; if it fails again, report the lines above."
fi
rm -f "$log"
lab_settings || fail "could not copy the course's JupyterLab settings into $VENV/share/jupyter/lab/settings."
printf '%s\n' "$want" > "$STAMP"
printf 'setup: .venv is ready.\n'
