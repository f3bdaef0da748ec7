#!/bin/sh
# Starts JupyterLab for `make lab`: run-lab.sh JUPYTER [ARGS...].
# Why a script: Jupyter refuses to start as root, and root is the normal user in containers,
# cloud VMs and classroom images. There the course passes --allow-root and says so in one
# line, instead of leaving the teacher with Jupyter's refusal.
set -u
JUPYTER=${1:?usage: run-lab.sh JUPYTER [ARGS...]}
shift
if [ "$(id -u)" = 0 ]; then
    printf 'lab: running as root (a container or VM?), so JupyterLab is started with --allow-root.\n' >&2
    set -- "$@" --allow-root
fi
exec "$JUPYTER" lab "$@"
