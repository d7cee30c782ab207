#!/usr/bin/env bash
# A student's JupyterLab server on the class hub (hub/jupyterhub_config.py starts it as the
# student's own Linux user, in the student's home). Before Lab starts:
#   - joins the student's cgroups (memory and CPU quota; made and handed over by scripts/hub.sh),
#   - lays out ~/gan-course: notebooks/ (the student's copies of the lessons, updated from the
#     course without overwriting the student's edits: hub/sync_lessons.py), runs/ (their run
#     folders), and links to the course's node_modules (so `gan-lab` and tfjs resolve) and docs/
#     (the lessons' pictures), both read-only,
# then runs jupyterhub-singleuser from the course's .venv-hub.
set -euo pipefail
ROOT="${GAN_HUB_ROOT:?GAN_HUB_ROOT is not set: this script is started by the hub (npm run hub)}"
VENV="${GAN_HUB_VENV:-$ROOT/.venv-hub}"   # the Docker image for Zero to JupyterHub uses the project's .venv
for controller in memory cpu; do
  procs="/sys/fs/cgroup/$controller/gan-hub/$(id -un)/cgroup.procs"
  if [ -w "$procs" ]; then echo $$ > "$procs"; fi
done
COURSE="$HOME/gan-course"
umask 077
mkdir -p "$COURSE/notebooks" "$COURSE/runs"
ln -sfn "$ROOT/node_modules" "$COURSE/node_modules"
ln -sfn "$ROOT/docs" "$COURSE/docs"
"$VENV/bin/python" "$ROOT/hub/sync_lessons.py" "$ROOT/notebooks" "$COURSE/notebooks" || echo "sync_lessons failed; the student's notebooks are unchanged" >&2
exec "$VENV/bin/jupyterhub-singleuser" "$@"
