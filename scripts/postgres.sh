#!/usr/bin/env bash
# StarStudio's private PostgreSQL 15 cluster under .data/pg, run as the postgres OS user.
# Usage: scripts/postgres.sh start|stop|status|env
#   STARSTUDIO_DATA_DIR          data root (default <repo>/.data)
#   STARSTUDIO_PG_PORT           port on 127.0.0.1 (default 5433)
#   STARSTUDIO_PG_FAST=1         fsync/synchronous_commit/full_page_writes off (tests only)
#   STARSTUDIO_PG_SHARED_BUFFERS shared_buffers (default 256MB; the retrieval benchmark wants 2GB,
#                                see docs/performance.md); a change needs stop + start
#   STARSTUDIO_PG_OWNER_PASSWORD password of starstudio_owner (default starstudio_owner)
#   STARSTUDIO_PG_APP_PASSWORD   password of starstudio_app (default starstudio_app)
#   STARSTUDIO_PG_JOBS_PASSWORD  password of starstudio_jobs, Hangfire's role (default starstudio_jobs)
#   STARSTUDIO_PG_MAINT_PASSWORD password of starstudio_maint, the tests' arranging role (default starstudio_maint)
#   STARSTUDIO_PG_BACKUP_PASSWORD password of starstudio_backup, scripts/backup.sh's read-only role (default starstudio_backup)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_BIN=/usr/lib/postgresql/15/bin
PG_PORT="${STARSTUDIO_PG_PORT:-5433}"
PG_FAST="${STARSTUDIO_PG_FAST:-0}"
SHARED_BUFFERS="${STARSTUDIO_PG_SHARED_BUFFERS:-256MB}"
[[ "$SHARED_BUFFERS" =~ ^[0-9]+(kB|MB|GB)$ ]] || { echo "STARSTUDIO_PG_SHARED_BUFFERS must look like 256MB or 2GB" >&2; exit 2; }
OWNER_PASSWORD="${STARSTUDIO_PG_OWNER_PASSWORD:-starstudio_owner}"
APP_PASSWORD="${STARSTUDIO_PG_APP_PASSWORD:-starstudio_app}"
JOBS_PASSWORD="${STARSTUDIO_PG_JOBS_PASSWORD:-starstudio_jobs}"
MAINT_PASSWORD="${STARSTUDIO_PG_MAINT_PASSWORD:-starstudio_maint}"
BACKUP_PASSWORD="${STARSTUDIO_PG_BACKUP_PASSWORD:-starstudio_backup}"
PGDATA="$STARSTUDIO_DATA/pg"
PG_LOG="$STARSTUDIO_DATA/pg.log"
SUPERUSER_PWFILE="$STARSTUDIO_DATA/pg-superuser.password"
START_TIMEOUT="${STARSTUDIO_PG_START_TIMEOUT:-60}"
PG_OS_USER=postgres
PROVISION_STAMP="$STARSTUDIO_DATA/pg-provisioned"

[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "postgres: STARSTUDIO_PG_PORT='$PG_PORT' is not a port number"

as_pg() {
  if [[ "$(id -un)" == "$PG_OS_USER" ]]; then "$@"; else runuser -u "$PG_OS_USER" -- "$@"; fi
}

# Superuser psql over the cluster's own unix socket.
psql_super() {
  local db=$1; shift
  PGPASSWORD="$(cat "$SUPERUSER_PWFILE")" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$PGDATA" -p "$PG_PORT" -U postgres -d "$db" "$@"
}

# Port the running cluster was started with (from postmaster.pid), empty when not running.
running_port() {
  if [[ -f "$PGDATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    sed -n '4p' "$PGDATA/postmaster.pid"
  fi
}

ready() { "$PG_BIN/pg_isready" -q -h "$PGDATA" -p "$PG_PORT" -t 1 >/dev/null 2>&1; }

# postgres must be able to reach the data dir; grant search (x) on ancestors that lack it.
ensure_traversable() {
  local dir ancestors=() i
  dir="$(dirname "$PGDATA")"
  while [[ "$dir" != "/" ]]; do ancestors+=("$dir"); dir="$(dirname "$dir")"; done
  for (( i=${#ancestors[@]}-1; i>=0; i-- )); do
    dir="${ancestors[i]}"
    if ! as_pg test -x "$dir" 2>/dev/null; then
      log "postgres: granting search permission (o+x) on $dir so the postgres user can reach $PGDATA"
      chmod o+x "$dir"
    fi
  done
}

init_cluster() {
  command -v "$PG_BIN/initdb" >/dev/null 2>&1 || die "postgres: $PG_BIN/initdb not found; run scripts/deps.sh"
  id "$PG_OS_USER" >/dev/null 2>&1 || die "postgres: OS user '$PG_OS_USER' does not exist (install postgresql-15)"
  (( EUID == 0 )) || [[ "$(id -un)" == "$PG_OS_USER" ]] || die "postgres: run as root (or as $PG_OS_USER) to create the cluster"
  log "postgres: creating cluster in $PGDATA"
  mkdir -p "$PGDATA"
  chown "$PG_OS_USER:" "$PGDATA"
  chmod 700 "$PGDATA"
  ensure_traversable
  if [[ ! -s "$SUPERUSER_PWFILE" ]]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$SUPERUSER_PWFILE")
  fi
  chown "$PG_OS_USER:" "$SUPERUSER_PWFILE"
  chmod 600 "$SUPERUSER_PWFILE"
  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$SUPERUSER_PWFILE" \
    --encoding=UTF8 --locale="$locale" --auth=scram-sha-256 >"$STARSTUDIO_DATA/initdb.log" 2>&1 \
    || { tail -n 20 "$STARSTUDIO_DATA/initdb.log" >&2; die "postgres: initdb failed (full log: $STARSTUDIO_DATA/initdb.log)"; }
  echo "include_if_exists = 'starstudio.conf'" | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
}

# Settings owned by this script; rewritten on every start so env changes take effect.
write_conf() {
  local conf="$PGDATA/starstudio.conf" tmp
  tmp="$(mktemp)"
  {
    echo "# Written by scripts/postgres.sh; edits are overwritten on start."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$PGDATA'"
    echo "max_connections = 200"
    echo "shared_buffers = $SHARED_BUFFERS"
    if [[ "$PG_FAST" == 1 ]]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    else
      echo "fsync = on"
      echo "synchronous_commit = on"
      echo "full_page_writes = on"
    fi
  } >"$tmp"
  if cmp -s "$tmp" "$conf" 2>/dev/null; then rm -f "$tmp"; return 1; fi
  chown "$PG_OS_USER:" "$tmp"; chmod 600 "$tmp"
  mv "$tmp" "$conf"
  return 0
}

provision() {
  local owner_pw app_pw jobs_pw maint_pw backup_pw
  owner_pw="$(shell_sql_literal "$OWNER_PASSWORD")"
  app_pw="$(shell_sql_literal "$APP_PASSWORD")"
  jobs_pw="$(shell_sql_literal "$JOBS_PASSWORD")"
  maint_pw="$(shell_sql_literal "$MAINT_PASSWORD")"
  backup_pw="$(shell_sql_literal "$BACKUP_PASSWORD")"
  psql_super postgres <<SQL
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'starstudio_owner') THEN
    CREATE ROLE starstudio_owner;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'starstudio_app') THEN
    CREATE ROLE starstudio_app;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'starstudio_jobs') THEN
    CREATE ROLE starstudio_jobs;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'starstudio_maint') THEN
    CREATE ROLE starstudio_maint;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'starstudio_backup') THEN
    CREATE ROLE starstudio_backup;
  END IF;
END
\$\$;
ALTER ROLE starstudio_owner WITH LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOBYPASSRLS PASSWORD $owner_pw;
ALTER ROLE starstudio_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD $app_pw;
-- Hangfire's storage: reaches only the hangfire schema, which the migrator creates and grants it (docs/security.md).
ALTER ROLE starstudio_jobs WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD $jobs_pw;
-- For the tests' arrange-and-check helper only: the owner's privileges, and past the policies that the owner
-- itself no longer bypasses (FORCE ROW LEVEL SECURITY). The app never connects as it; docker/postgres/init.sql
-- does not create it.
ALTER ROLE starstudio_maint WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD $maint_pw;
GRANT starstudio_owner TO starstudio_maint;
-- scripts/backup.sh's role: reads every table (pg_read_all_data, also Hangfire's, which the jobs role owns) past the
-- policies (most tables FORCE row-level security on their owner, so the owner cannot pg_dump them); writes nothing.
ALTER ROLE starstudio_backup WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS PASSWORD $backup_pw;
GRANT pg_read_all_data TO starstudio_backup;
SELECT 'CREATE DATABASE starstudio OWNER starstudio_owner'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'starstudio') \gexec
ALTER DATABASE starstudio OWNER TO starstudio_owner;
REVOKE ALL ON DATABASE starstudio FROM PUBLIC;
GRANT CONNECT ON DATABASE starstudio TO starstudio_app, starstudio_jobs, starstudio_backup;
-- Lets the owner drop a test database that the app role still has pooled connections to
-- (DROP DATABASE ... WITH (FORCE)); it can signal non-superuser sessions only.
GRANT pg_signal_backend TO starstudio_owner;
SQL
  local db
  for db in template1 starstudio; do
    psql_super "$db" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
ALTER EXTENSION vector UPDATE;
GRANT USAGE ON SCHEMA public TO starstudio_app;
GRANT CREATE ON SCHEMA public TO starstudio_owner;
SQL
  done
  provision_fingerprint >"$PROVISION_STAMP"
}

# Changes whenever provisioning would do something different.
provision_fingerprint() {
  { echo "v4 $PG_PORT"; printf '%s\n' "$OWNER_PASSWORD" "$APP_PASSWORD" "$JOBS_PASSWORD" "$MAINT_PASSWORD" "$BACKUP_PASSWORD"
    cat "$("$PG_BIN/pg_config" --sharedir)/extension/vector.control" 2>/dev/null; } | sha256sum | cut -d' ' -f1
}

shell_sql_literal() { local v=$1; printf "'%s'" "${v//\'/\'\'}"; }

check_port_free() {
  if port_in_use "$PG_PORT"; then
    local who; who="$(port_owner "$PG_PORT")"
    die "postgres: port $PG_PORT on 127.0.0.1 is already in use${who:+ by $who} (not StarStudio's cluster); set STARSTUDIO_PG_PORT to a free port"
  fi
}

cmd_start() {
  ensure_data_dir
  local port
  port="$(running_port)"
  if [[ -n "$port" && "$port" != "$PG_PORT" ]]; then
    check_port_free
    log "postgres: cluster is running on port $port but STARSTUDIO_PG_PORT=$PG_PORT; restarting it"
    cmd_stop
    port=""
  fi
  if [[ -n "$port" ]]; then
    if write_conf; then
      as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" reload >/dev/null
      log "postgres: settings changed (STARSTUDIO_PG_FAST=$PG_FAST), reloaded; shared_buffers ($SHARED_BUFFERS) takes effect only after scripts/postgres.sh stop and start"
    fi
    # Skip re-provisioning when nothing it depends on changed: a connection to template1
    # would make a concurrent CREATE DATABASE (tests) fail.
    if [[ "$(cat "$PROVISION_STAMP" 2>/dev/null)" != "$(provision_fingerprint)" ]]; then
      provision
    fi
    log "postgres: already running on 127.0.0.1:$PG_PORT ($PGDATA)"
    return 0
  fi

  check_port_free

  local socket="$PGDATA/.s.PGSQL.$PG_PORT"
  (( ${#socket} <= 100 )) \
    || die "postgres: unix socket path $socket is too long (${#socket} > 100 chars); set STARSTUDIO_DATA_DIR to a shorter directory"
  [[ -f "$PGDATA/PG_VERSION" ]] || init_cluster
  ensure_traversable
  [[ -f "$("$PG_BIN/pg_config" --sharedir)/extension/vector.control" ]] \
    || die "postgres: pgvector is not installed; run scripts/pgvector.sh first"
  write_conf || true
  touch "$PG_LOG"; chown "$PG_OS_USER:" "$PG_LOG"
  local start; start=$(now_s)
  log "postgres: starting on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  # stdin/stdout from/to files so no caller's pipe is held open by the server.
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -W start </dev/null >/dev/null 2>&1 \
    || { tail -n 20 "$PG_LOG" >&2; die "postgres: pg_ctl start failed (log: $PG_LOG)"; }
  local started=$SECONDS deadline=$(( SECONDS + START_TIMEOUT ))
  until ready; do
    if (( SECONDS >= deadline )); then
      tail -n 20 "$PG_LOG" >&2
      die "postgres: not ready after ${START_TIMEOUT}s on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
    fi
    if (( SECONDS - started >= 3 )) && ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      tail -n 20 "$PG_LOG" >&2
      die "postgres: server exited during startup (log: $PG_LOG)"
    fi
    sleep 0.2
  done
  provision
  log "postgres: ready on 127.0.0.1:$PG_PORT in $(elapsed "$start") s"
}

cmd_stop() {
  if [[ -z "$(running_port)" ]]; then
    log "postgres: not running"
    return 0
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  log "postgres: stopped"
}

cmd_status() {
  local port; port="$(running_port)"
  if [[ -n "$port" ]]; then
    if "$PG_BIN/pg_isready" -q -h "$PGDATA" -p "$port" -t 2 >/dev/null 2>&1; then
      log "postgres: running on 127.0.0.1:$port ($PGDATA)"
      return 0
    fi
    log "postgres: process running on port $port but not accepting connections"
    return 1
  fi
  log "postgres: not running ($PGDATA)"
  return 3
}

cmd_env() {
  local base="Host=127.0.0.1;Port=$PG_PORT"
  print_export StarStudio__Database__ConnectionString \
    "$base;Database=starstudio;Username=starstudio_app;Password=$APP_PASSWORD"
  print_export StarStudio__Database__MigrationConnectionString \
    "$base;Database=starstudio;Username=starstudio_owner;Password=$OWNER_PASSWORD"
  print_export StarStudio__Database__JobsConnectionString \
    "$base;Database=starstudio;Username=starstudio_jobs;Password=$JOBS_PASSWORD"
  print_export STARSTUDIO_TEST_PG \
    "$base;Database=postgres;Username=starstudio_owner;Password=$OWNER_PASSWORD"
  print_export STARSTUDIO_TEST_PG_APP_USER starstudio_app
  print_export STARSTUDIO_TEST_PG_APP_PASSWORD "$APP_PASSWORD"
  print_export STARSTUDIO_TEST_PG_JOBS_USER starstudio_jobs
  print_export STARSTUDIO_TEST_PG_JOBS_PASSWORD "$JOBS_PASSWORD"
  print_export STARSTUDIO_TEST_PG_MAINT_USER starstudio_maint
  print_export STARSTUDIO_TEST_PG_MAINT_PASSWORD "$MAINT_PASSWORD"
  # scripts/backup.sh's connection (read-only, past row-level security); the restore uses the migration one.
  print_export STARSTUDIO_BACKUP_PG \
    "$base;Database=starstudio;Username=starstudio_backup;Password=$BACKUP_PASSWORD"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: scripts/postgres.sh start|stop|status|env" >&2; exit 2 ;;
esac
