#!/usr/bin/env bash
# npm run hub: JupyterHub for a class on one Linux server (run as root: it makes one Linux account
# per student and runs each student's JupyterLab as that account). See docs/classroom.md.
#
#   sudo npm run hub -- --class-list students.txt --admin teacher [--ip 127.0.0.1] [--port 8000]
#                       [--threads N] [--memory-gb G] [--idle-minutes 60] [--kernel-idle-minutes 30]
#   sudo npm run hub -- --remove-accounts     (deletes the accounts and homes this hub made)
#
# The class list: one Linux user name per line (# comments and blank lines ignored). Each student
# sets a password at the first login (FirstUseAuthenticator); --admin names the instructor's account.
# Listens on 127.0.0.1 unless --ip says otherwise (put HTTPS in front of it: docs/classroom.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
fail() { echo "npm run hub: $*" >&2; exit 1; }

CLASS_LIST="" ADMIN="" IP="127.0.0.1" PORT=8000 THREADS="" MEMORY_GB="" IDLE=60 KERNEL_IDLE=30 REMOVE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --class-list) CLASS_LIST="${2:?--class-list needs a file}"; shift 2 ;;
    --admin) ADMIN="${2:?--admin needs a user name}"; shift 2 ;;
    --ip) IP="${2:?--ip needs an address}"; shift 2 ;;
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --threads) THREADS="${2:?--threads needs a number}"; shift 2 ;;
    --memory-gb) MEMORY_GB="${2:?--memory-gb needs a number}"; shift 2 ;;
    --idle-minutes) IDLE="${2:?}"; shift 2 ;;
    --kernel-idle-minutes) KERNEL_IDLE="${2:?}"; shift 2 ;;
    --remove-accounts) REMOVE=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) fail "unknown option $1 (see npm run hub -- --help)" ;;
  esac
done
STATE="${GAN_HUB_STATE:-$ROOT/hub/state}"
CREATED="$STATE/accounts-created.txt"
CGROUPS=/sys/fs/cgroup

[ "$(id -u)" = 0 ] || fail "run it as root (sudo npm run hub -- ...): the hub makes a Linux account for each student and starts each student's server as that account."
command -v useradd >/dev/null && command -v userdel >/dev/null || fail "useradd/userdel are missing: install Debian's passwd package (apt-get install passwd)."
mkdir -p "$STATE" && chmod 700 "$STATE"

remove_cgroups() {  # remove_cgroups USER...: the per-student cgroups (empty once the hub stopped), then gan-hub itself
  for user in "$@"; do for c in memory cpu; do rmdir "$CGROUPS/$c/gan-hub/$user" 2>/dev/null || true; done; done
  for c in memory cpu; do rmdir "$CGROUPS/$c/gan-hub" 2>/dev/null || true; done
}
remove_accounts() {
  [ -s "$CREATED" ] || { echo "No accounts made by the hub ($CREATED is empty or missing)."; return 0; }
  while read -r user; do
    [ -n "$user" ] || continue
    pkill -KILL -u "$user" 2>/dev/null || true
    userdel -r "$user" 2>/dev/null && echo "removed account $user and its home" || echo "account $user was already gone"
    remove_cgroups "$user"
  done < "$CREATED"
  rm -f "$CREATED" "$STATE/passwords.dbm"* "$STATE/jupyterhub.sqlite"
}
if [ "$REMOVE" = 1 ]; then
  [ ! -f "$STATE/jupyterhub.pid" ] || ! kill -0 "$(cat "$STATE/jupyterhub.pid")" 2>/dev/null || fail "the hub is running (PID $(cat "$STATE/jupyterhub.pid")): stop it first."
  remove_accounts; exit 0
fi

# --- Everything is checked before anything is made. ---
[ -n "$CLASS_LIST" ] || fail "give the class list: npm run hub -- --class-list students.txt (one user name per line)."
[ -r "$CLASS_LIST" ] || fail "cannot read the class list $CLASS_LIST."
[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || fail "--port $PORT is not a port number (1-65535)."
NAME_RE='^[a-z_][a-z0-9_-]{0,31}$'
students=() bad=() n=0
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1)); name="${line%%#*}"; name="$(echo "$name" | tr -d '[:space:]')"
  [ -n "$name" ] || continue
  if [[ ! "$name" =~ $NAME_RE ]]; then bad+=("line $n: \"$line\" is not a valid Linux user name (lower-case letters, digits, _ or -, starting with a letter or _, at most 32)"); continue; fi
  if uid=$(id -u "$name" 2>/dev/null) && [ "$uid" -lt 1000 ] && ! grep -qx "$name" "$CREATED" 2>/dev/null; then bad+=("line $n: \"$name\" is a system account (uid $uid): choose another name"); continue; fi
  students+=("$name")
done < "$CLASS_LIST"
[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; fail "fix the class list $CLASS_LIST (nothing was created)."; }
[ ${#students[@]} -gt 0 ] || fail "the class list $CLASS_LIST names nobody."
if [ -n "$ADMIN" ] && [[ ! "$ADMIN" =~ $NAME_RE ]]; then fail "--admin \"$ADMIN\" is not a valid Linux user name."; fi
if [ -f "$STATE/jupyterhub.pid" ] && kill -0 "$(cat "$STATE/jupyterhub.pid")" 2>/dev/null; then
  fail "a hub is already running (PID $(cat "$STATE/jupyterhub.pid")) from $ROOT: use it, or stop it first (kill $(cat "$STATE/jupyterhub.pid"))."
fi
port_free() { node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($1,'$2',()=>s.close(()=>process.exit(0)))"; }
port_free "$PORT" "$IP" || fail "port $PORT on $IP is in use: choose another with --port (or stop what listens there)."
p="$ROOT"
while [ "$p" != / ]; do
  [ "$(( $(stat -c '%a' "$p" | sed 's/.*\(.\)$/\1/') & 1 ))" = 1 ] || fail "students cannot reach $ROOT: $p is not searchable by others (mode $(stat -c '%a' "$p")). Put the project under a world-readable folder such as /srv or /opt (git clone ... /srv/gan-lab)."
  p="$(dirname "$p")"
done
command -v /usr/bin/python3 >/dev/null || fail "no /usr/bin/python3: apt-get install python3 python3-venv."
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || fail "Debian's python3 lacks venv: apt-get install python3-venv."

# --- Set-up: the lessons' install, then the hub's own packages. ---
[ "${GAN_HUB_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh
VENV="$ROOT/.venv-hub" STAMP="$ROOT/.venv-hub/.gan-lab-requirements-hub.txt.sha256"
want="$(sha256sum requirements-hub.txt | cut -d' ' -f1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "==> JupyterHub and the lessons' packages into .venv-hub/ (Debian's python3: students' servers run it)"
  [ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv "$VENV" || { rm -rf "$VENV"; fail "python3 -m venv .venv-hub failed."; }
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-hub.txt 2> >(grep -v 'is ignored: it is neither' >&2) \
    || fail "pip could not install requirements-hub.txt (network to PyPI?); run npm run hub again."
  echo "$want" > "$STAMP"
fi
if [ ! -x hub/node_modules/.bin/configurable-http-proxy ] || [ hub/package-lock.json -nt hub/node_modules/.package-lock.json ]; then
  echo "==> configurable-http-proxy (npm ci in hub/)"
  npm ci --prefix hub --no-audit --no-fund --loglevel=error || fail "npm ci in hub/ failed (network to the npm registry?); run npm run hub again."
fi
chmod -R go+rX "$ROOT/.venv-hub" "$ROOT/hub/node_modules" "$ROOT/.jupyter/share" 2>/dev/null || true

# --- Accounts (each one listed in $CREATED as soon as it exists, so a failure halfway is undone by --remove-accounts). ---
accounts=("${students[@]}"); [ -z "$ADMIN" ] || accounts+=("$ADMIN")
for user in "${accounts[@]}"; do
  if id -u "$user" >/dev/null 2>&1; then continue; fi
  if ! useradd --create-home -K HOME_MODE=0700 --shell /bin/bash "$user"; then
    echo "npm run hub: could not create the account $user. Accounts made so far (kept, reused when you run it again; sudo npm run hub -- --remove-accounts deletes them):" >&2
    cat "$CREATED" >&2 2>/dev/null || true
    exit 1
  fi
  echo "$user" >> "$CREATED"
  chmod 700 "$(getent passwd "$user" | cut -d: -f6)"
done

# --- Per-student limits. ---
CORES="$(nproc)"
[ -n "$THREADS" ] || THREADS=$(( CORES / ${#students[@]} )); [ "$THREADS" -ge 1 ] || THREADS=1
MEM_KB="$(awk '/MemTotal/ {print $2}' /proc/meminfo)"
[ -n "$MEMORY_GB" ] || MEMORY_GB=$(( MEM_KB * 8 / 10 / 1048576 / ${#accounts[@]} )); [ "$MEMORY_GB" -ge 1 ] || MEMORY_GB=1
limits="threads $THREADS per student (TF_NUM_INTRAOP_THREADS, OMP_NUM_THREADS)"
if mkdir -p "$CGROUPS/memory/gan-hub" "$CGROUPS/cpu/gan-hub" 2>/dev/null; then
  for user in "${accounts[@]}"; do
    for c in memory cpu; do mkdir -p "$CGROUPS/$c/gan-hub/$user"; chown "$user" "$CGROUPS/$c/gan-hub/$user/cgroup.procs"; done
    echo $(( MEMORY_GB * 1024 * 1024 * 1024 )) > "$CGROUPS/memory/gan-hub/$user/memory.limit_in_bytes"
    echo 100000 > "$CGROUPS/cpu/gan-hub/$user/cpu.cfs_period_us"
    echo $(( THREADS * 100000 )) > "$CGROUPS/cpu/gan-hub/$user/cpu.cfs_quota_us"
  done
  limits="$limits, cgroups: $MEMORY_GB GB of memory and $THREADS core(s) of CPU time each"
else
  limits="$limits; no cgroups here ($CGROUPS/memory is not writable), so memory and CPU time are not capped"
fi

# --- Run. ---
export GAN_HUB_ROOT="$ROOT" GAN_HUB_STATE="$STATE" GAN_HUB_IP="$IP" GAN_HUB_PORT="$PORT" GAN_HUB_THREADS="$THREADS" \
  GAN_HUB_IDLE_MINUTES="$IDLE" GAN_HUB_KERNEL_IDLE_MINUTES="$KERNEL_IDLE" GAN_HUB_ADMIN="$ADMIN" \
  GAN_HUB_USERS="$(IFS=,; echo "${students[*]}")"
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
export GAN_HUB_API_PORT="${GAN_HUB_API_PORT:-$(free_port)}" GAN_HUB_PROXY_API_PORT="${GAN_HUB_PROXY_API_PORT:-$(free_port)}"
echo "==> JupyterHub for ${#students[@]} student(s) at http://$IP:$PORT/ (admin: ${ADMIN:-none}); $limits; idle servers stop after $IDLE min, idle kernels after $KERNEL_IDLE min."
cd "$STATE"
"$VENV/bin/jupyterhub" -f "$ROOT/hub/jupyterhub_config.py" &
hub=$!
trap 'kill -TERM $hub 2>/dev/null || true' INT TERM
status=0; wait $hub || status=$?
wait $hub 2>/dev/null || true
remove_cgroups "${accounts[@]}"
exit $status
