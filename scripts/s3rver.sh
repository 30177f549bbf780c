#!/usr/bin/env bash
# Local S3-compatible server (s3rver from npm) for the object-store contract tests.
# Usage: scripts/s3rver.sh start|stop|status|env
#   STARSTUDIO_DATA_DIR  data root (default <repo>/.data); objects go to $STARSTUDIO_DATA_DIR/s3rver
#   STARSTUDIO_S3_PORT   port on 127.0.0.1 (default 4569)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

S3_PORT="${STARSTUDIO_S3_PORT:-4569}"
S3_DIR="$STARSTUDIO_DATA/s3rver"
S3_LOG="$STARSTUDIO_DATA/s3rver.log"
S3_PID="$STARSTUDIO_DATA/s3rver.pid"
NODE_DIR="$STARSTUDIO_SCRIPTS/node"
S3RVER_JS="$NODE_DIR/node_modules/s3rver/bin/s3rver.js"
LOCK_STAMP="$NODE_DIR/node_modules/.starstudio-lock.sha256"
START_TIMEOUT="${STARSTUDIO_S3_START_TIMEOUT:-30}"
# s3rver's built-in default credentials.
ACCESS_KEY=S3RVER
SECRET_KEY=S3RVER

[[ "$S3_PORT" =~ ^[0-9]+$ ]] || die "s3rver: STARSTUDIO_S3_PORT='$S3_PORT' is not a port number"

ensure_installed() {
  command -v node >/dev/null 2>&1 || die "s3rver: node not found; run scripts/deps.sh"
  local want have=""
  want="$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)"
  [[ -f "$LOCK_STAMP" ]] && have="$(cat "$LOCK_STAMP")"
  if [[ -f "$S3RVER_JS" && "$want" == "$have" ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "s3rver: npm not found; run scripts/deps.sh"
  log "s3rver: installing node packages in scripts/node (npm ci)"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >"$STARSTUDIO_DATA/npm-ci.log" 2>&1) \
    || { tail -n 20 "$STARSTUDIO_DATA/npm-ci.log" >&2; die "s3rver: npm ci failed (log: $STARSTUDIO_DATA/npm-ci.log)"; }
  echo "$want" >"$LOCK_STAMP"
}

# Pid of our running s3rver, empty if none.
our_pid() {
  local pid
  [[ -f "$S3_PID" ]] || return 0
  pid="$(cat "$S3_PID")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
     && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 's3rver'; then
    echo "$pid"
  fi
}

answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$S3_PORT/"; }

cmd_start() {
  ensure_data_dir
  local pid; pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    if answers; then
      log "s3rver: already running on 127.0.0.1:$S3_PORT (pid $pid)"
      return 0
    fi
    log "s3rver: pid $pid does not answer on port $S3_PORT; restarting it"
    cmd_stop
  fi
  if port_in_use "$S3_PORT"; then
    local who; who="$(port_owner "$S3_PORT")"
    die "s3rver: port $S3_PORT on 127.0.0.1 is already in use${who:+ by $who}; set STARSTUDIO_S3_PORT to a free port"
  fi
  ensure_installed
  mkdir -p "$S3_DIR"
  local start; start=$(now_s)
  log "s3rver: starting on 127.0.0.1:$S3_PORT (data: $S3_DIR, log: $S3_LOG)"
  # New session and no inherited stdio, so the server outlives this script and holds no caller's pipe.
  # s3rver signs list continuation tokens with DES, which Node 20 only allows with the legacy provider.
  setsid node --openssl-legacy-provider "$S3RVER_JS" --address 127.0.0.1 --port "$S3_PORT" --directory "$S3_DIR" \
    </dev/null >>"$S3_LOG" 2>&1 &
  echo $! >"$S3_PID"
  local deadline=$(( SECONDS + START_TIMEOUT ))
  until answers; do
    if [[ -z "$(our_pid)" ]]; then
      tail -n 20 "$S3_LOG" >&2
      die "s3rver: exited during startup (log: $S3_LOG)"
    fi
    if (( SECONDS >= deadline )); then
      tail -n 20 "$S3_LOG" >&2
      die "s3rver: no HTTP answer on 127.0.0.1:$S3_PORT after ${START_TIMEOUT}s (log: $S3_LOG)"
    fi
    sleep 0.2
  done
  log "s3rver: ready on http://127.0.0.1:$S3_PORT in $(elapsed "$start") s"
}

cmd_stop() {
  local pid; pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$S3_PID"
    log "s3rver: not running"
    return 0
  fi
  kill "$pid"
  local i
  for (( i=0; i<50; i++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$S3_PID"
  log "s3rver: stopped"
}

cmd_status() {
  local pid; pid="$(our_pid)"
  if [[ -n "$pid" ]] && answers; then
    log "s3rver: running on http://127.0.0.1:$S3_PORT (pid $pid)"
    return 0
  fi
  log "s3rver: not running"
  return 3
}

cmd_env() {
  print_export STARSTUDIO_TEST_S3 "http://127.0.0.1:$S3_PORT"
  print_export STARSTUDIO_TEST_S3_ACCESS_KEY "$ACCESS_KEY"
  print_export STARSTUDIO_TEST_S3_SECRET_KEY "$SECRET_KEY"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: scripts/s3rver.sh start|stop|status|env" >&2; exit 2 ;;
esac
