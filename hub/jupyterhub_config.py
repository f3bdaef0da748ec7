# JupyterHub configuration for a class taking this course (see hub/README.md).
#
# Works for a plain JupyterHub (`jupyterhub -f hub/jupyterhub_config.py`) and for The Littlest
# JupyterHub (copy this file into /opt/tljh/config/jupyterhub_config.d/ and run
# `sudo tljh-config reload`; TLJH then keeps its own authenticator, spawner and address and
# takes the course settings from here). `make test-hub` loads this same file and overrides
# only what a test must: address, authenticator, spawner, and temporary folders.
#
# CHANGE THESE for your server (everything else can stay):
#   TEACHERS        hub accounts that may see the admin page
#   MEM_LIMIT       memory per student; measured figures are in README, "Running this for a class"
#   the authenticator and who may log in: left to your institution (LDAP, OAuth, your LMS)
c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

TEACHERS = {"teacher"}
MEM_LIMIT = "1G"

# Students land in JupyterLab with their home as its root: the nbgitpuller link makes the
# course folder there and opens the first lesson. Each student's answers and progress stay in
# their own home (~/.course/progress.json): an account per student, never a shared login, so
# one student's answers never reach the next.
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"

# Memory and CPU: enforced by spawners that can (TLJH's systemd spawner, Kubernetes), ignored
# by the others. One student running a lesson needs the server plus one kernel; see README.
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.cpu_limit = 1

# A class starts together: allow many servers to start at once, and give them time. Measured
# on a 2-core test machine (README, class-size table): with 20 students starting at the same
# moment the slowest server took about two and a half minutes, with 30 nearly four; the
# default (60 s) would fail them. Size the server so a class's start stays well inside this.
c.JupyterHub.concurrent_spawn_limit = 100
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

# Servers nobody uses are stopped by JupyterHub's idle culler if you install it
# (pip install jupyterhub-idle-culler; TLJH has it on by default, after 10 minutes).

c.Authenticator.admin_users = TEACHERS
# Who may log in is set with your authenticator: c.Authenticator.allowed_users = {...}, a
# group of your login service, or c.Authenticator.allow_all = True when every account your
# institution's login accepts belongs in the class. Never allow_all with an authenticator
# that creates accounts on first use.

# Running as root: single-user servers refuse to start as root unless told otherwise. A hub
# whose spawner starts servers as the students' own accounts (TLJH, LocalProcessSpawner,
# Kubernetes) never needs this; a test hub that runs every server as root does, and
# `make test-hub` adds `--allow-root` itself for that case.
