#!/usr/bin/env bash
# Restore a folder written by scripts/backup.sh: the database into a fresh (or empty) database, the MongoDB documents
# when the backup has them, and the object store. Checks every file against SHA256SUMS first. docs/backups.md.
# Usage: scripts/restore.sh BACKUP_DIR [--database NAME] [--objects-root DIR] [--force]
#                           [--no-database] [--no-documents] [--no-objects]
#   --database NAME     restore into this database (default: the Database of the migration connection string)
#   --objects-root DIR  restore a local object store here (default: the app's StarStudio__ObjectStore__LocalRoot)
#   --force             replace a database that has tables (dropped and created again), move a non-empty object
#                       directory aside (<dir>.before-restore-<time>), drop MongoDB collections before restoring them
# Settings (the app's own, from the environment; `eval "$(scripts/postgres.sh env)"` sets them for the local cluster):
#   StarStudio__Database__MigrationConnectionString   the owning role: creates the database and restores into it
#   StarStudio__Database__ConnectionString, …JobsConnectionString, STARSTUDIO_BACKUP_PG   roles granted CONNECT;
#                                                     Hangfire's tables are restored as the jobs role, which owns them
#   StarStudio__DocumentStore__* and StarStudio__ObjectStore__* as for scripts/backup.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

backup=""
target_db=""
objects_root=""
force=0
with_database=1
with_documents=1
with_objects=1
while (( $# )); do
  case "$1" in
    --database) [[ $# -ge 2 && -n "$2" ]] || die "restore: --database needs a name"; target_db=$2; shift 2 ;;
    --objects-root) [[ $# -ge 2 && -n "$2" ]] || die "restore: --objects-root needs a directory"; objects_root=$2; shift 2 ;;
    --force) force=1; shift ;;
    --no-database) with_database=0; shift ;;
    --no-documents) with_documents=0; shift ;;
    --no-objects) with_objects=0; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "restore: unknown option '$1' (see scripts/restore.sh --help)" ;;
    *) [[ -z "$backup" ]] || die "restore: one backup folder only ('$backup' and '$1')"; backup=$1; shift ;;
  esac
done
[[ -n "$backup" ]] || die "restore: which backup? (scripts/restore.sh BACKUP_DIR; see --help)"
[[ -f "$backup/manifest.json" ]] || die "restore: $backup is not a backup folder (no manifest.json)"
command -v jq >/dev/null 2>&1 || die "restore: jq not found (scripts/deps.sh installs it)"
backup="$(cd "$backup" && pwd -P)"
manifest="$backup/manifest.json"
format="$(jq -r '.format' "$manifest")"
[[ "$format" == "$BACKUP_FORMAT" ]] || die "restore: $backup has backup format '$format'; this script reads format $BACKUP_FORMAT"

T0=$(now_s)
log "restore: checking $backup against SHA256SUMS"
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) \
  || die "restore: $backup is damaged or incomplete (a file does not match SHA256SUMS); nothing was restored"

# --- database ------------------------------------------------------------------------------------------------
created_db=""
drop_created_db() {
  if [[ -n "$created_db" ]]; then
    log "restore: dropping the half-restored database '$created_db'"
    with_pg "$server_cs" "$(pg_tool psql)" -X -q -c "DROP DATABASE IF EXISTS \"${created_db//\"/\"\"}\" WITH (FORCE)" || true
  fi
}

role_of() { [[ -n "${1:-}" ]] && cs_get "$1" Username; }

if (( with_database )); then
  migration_cs="${StarStudio__Database__MigrationConnectionString:-}"
  [[ -n "$migration_cs" ]] \
    || die "restore: StarStudio__Database__MigrationConnectionString is not set: the owning role restores (eval \"\$(scripts/postgres.sh env)\" sets it locally)"
  [[ -f "$backup/database.dump" ]] || die "restore: $backup has no database.dump"
  owner="$(role_of "$migration_cs")"
  app_role="$(role_of "${StarStudio__Database__ConnectionString:-}")"
  jobs_cs="${StarStudio__Database__JobsConnectionString:-}"
  jobs_role="$(role_of "$jobs_cs")"
  backup_role="$(role_of "${STARSTUDIO_BACKUP_PG:-}")"
  target_db="${target_db:-$(cs_get "$migration_cs" Database)}"
  [[ "$target_db" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "restore: database name '$target_db' is not a plain identifier"
  server_cs="$(cs_with_database "$migration_cs" postgres)"
  target_cs="$(cs_with_database "$migration_cs" "$target_db")"
  pg_restore_bin="$(pg_tool pg_restore)"

  exists="$(with_pg "$server_cs" psql_q -v db="$target_db" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")" \
    || die "restore: cannot connect as $owner with StarStudio__Database__MigrationConnectionString"
  if [[ "$exists" == 1 ]]; then
    # Relations that no extension brought along: pgvector and citext come with template1.
    relations="$(with_pg "$target_cs" psql_q -c "
      SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r','p','v','m','S','f') AND n.nspname NOT IN ('pg_catalog','information_schema')
        AND n.nspname NOT LIKE 'pg_toast%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')")"
    if (( relations > 0 )); then
      (( force )) || die "restore: database '$target_db' is not empty ($relations tables, views or sequences); restore into a new name with --database NAME, or replace it with --force"
      log "restore: --force: dropping database '$target_db' ($relations relations) and creating it again"
      with_pg "$server_cs" psql_q -c "DROP DATABASE \"$target_db\" WITH (FORCE)" \
        || die "restore: could not drop '$target_db' (the migrating role must own it)"
      exists=0
    else
      log "restore: database '$target_db' exists and is empty; restoring into it"
    fi
  fi
  if [[ "$exists" != 1 ]]; then
    log "restore: creating database '$target_db' owned by $owner"
    with_pg "$server_cs" psql_q -c "CREATE DATABASE \"$target_db\"" \
      || die "restore: could not create '$target_db' (the migrating role needs CREATEDB)"
    created_db="$target_db"
    trap drop_created_db EXIT
  fi

  # As scripts/postgres.sh and docker/postgres/init.sql provision the app's database: nobody but the named roles
  # connects. (The app's migrator repeats the first two on every start.)
  grants="REVOKE ALL ON DATABASE \"$target_db\" FROM PUBLIC;"
  for role in "$app_role" "$jobs_role" "$backup_role"; do
    [[ -n "$role" && "$role" != "$owner" ]] || continue
    if [[ "$(with_pg "$server_cs" psql_q -v r="$role" <<<"SELECT count(*) FROM pg_roles WHERE rolname = :'r';")" == 1 ]]; then
      grants+=" GRANT CONNECT ON DATABASE \"$target_db\" TO \"$role\";"
    else
      log "restore: role $role does not exist on this server; create the roles first (scripts/postgres.sh start or docker/postgres/init.sql)"
    fi
  done
  with_pg "$server_cs" psql_q -c "$grants"

  # Two passes by owner, so every object is owned by the role that owned it: the migrating role owns the app's
  # schema (its policies FORCE row-level security on it), the jobs role owns the tables Hangfire made itself.
  # --no-owner: no ALTER ... OWNER TO (which needs superuser); each pass's role becomes the owner of what it creates.
  # Privileges (GRANT/REVOKE) are restored as dumped. Extension comments are left out: only the extension's owner (the
  # superuser who created it in template1) may set them, and the extensions themselves already exist.
  lists="$(mktemp -d)"
  "$pg_restore_bin" --list "$backup/database.dump" | grep -v '^;' | grep -v ' COMMENT - EXTENSION ' >"$lists/all" || true
  if [[ -n "$jobs_role" && "$jobs_role" != "$owner" ]]; then
    awk -v r="$jobs_role" '$NF == r' "$lists/all" >"$lists/jobs"
    awk -v r="$jobs_role" '$NF != r' "$lists/all" >"$lists/owner"
  else
    cp "$lists/all" "$lists/owner"; : >"$lists/jobs"
  fi
  log "restore: restoring $(wc -l <"$lists/owner") entries as $owner into '$target_db'"
  t=$(now_s)
  with_pg "$target_cs" "$pg_restore_bin" --dbname="$target_db" --no-owner --exit-on-error --single-transaction --no-password \
    --use-list="$lists/owner" "$backup/database.dump" || { rm -rf "$lists"; die "restore: pg_restore as $owner failed"; }
  if [[ -s "$lists/jobs" ]]; then
    log "restore: restoring $(wc -l <"$lists/jobs") entries owned by $jobs_role (Hangfire) as $jobs_role"
    with_pg "$(cs_with_database "$jobs_cs" "$target_db")" "$pg_restore_bin" --dbname="$target_db" --no-owner --exit-on-error \
      --single-transaction --no-password --use-list="$lists/jobs" "$backup/database.dump" \
      || { rm -rf "$lists"; die "restore: pg_restore as $jobs_role failed"; }
  fi
  rm -rf "$lists"
  # pg_restore leaves the planner without statistics until autovacuum gets there.
  with_pg "$target_cs" psql_q -c "ANALYZE" 2>/dev/null || log "restore: ANALYZE failed (autovacuum will gather statistics later)"
  created_db=""
  trap - EXIT
  log "restore: database '$target_db' restored in $(elapsed "$t") s (latest migration $(jq -r '.database.latest_migration' "$manifest"))"
fi

# --- documents (MongoDB) -------------------------------------------------------------------------------------
if (( with_documents )) && [[ "$(jq -r '.documents.provider' "$manifest")" == Mongo ]]; then
  if [[ "$(jq -r '.documents.skipped // false' "$manifest")" == true ]]; then
    log "restore: the backup skipped MongoDB (--no-documents); nothing to restore"
  else
    [[ "$(document_provider)" == Mongo ]] \
      || die "restore: the backup has MongoDB documents but StarStudio__DocumentStore__Provider is not Mongo; configure MongoDB or pass --no-documents"
    command -v mongorestore >/dev/null 2>&1 || die "restore: mongorestore is not installed (MongoDB Database Tools)"
    : "${StarStudio__DocumentStore__MongoConnectionString:?restore: StarStudio__DocumentStore__MongoConnectionString is required}"
    from_db="$(jq -r '.documents.database' "$manifest")"
    to_db="${StarStudio__DocumentStore__MongoDatabase:-starstudio}"
    log "restore: restoring MongoDB database '$from_db' into '$to_db'"
    mongo_config="$(mktemp)"
    printf 'uri: %s\n' "$(json_str "$StarStudio__DocumentStore__MongoConnectionString")" >"$mongo_config"
    drop=(); (( force )) && drop=(--drop)
    mongorestore --config="$mongo_config" --archive="$backup/documents.archive.gz" --gzip --quiet \
      --nsFrom="$from_db.*" --nsTo="$to_db.*" "${drop[@]}" \
      || { rm -f "$mongo_config"; die "restore: mongorestore failed (documents already there? --force drops the collections first)"; }
    rm -f "$mongo_config"
  fi
fi

# --- objects -------------------------------------------------------------------------------------------------
objects_format="$(jq -r '.objects.format // empty' "$manifest")"
if (( with_objects )) && [[ -n "$objects_format" ]]; then
  case "$objects_format" in
    local-dir)
      if [[ -z "$objects_root" ]]; then
        [[ "$(object_provider)" == Local ]] \
          || die "restore: the backup holds a local object directory but the app uses MinIO; pass --objects-root DIR or --no-objects"
        objects_root="$(local_object_root)"
      fi
      objects_root="$(realpath -m "$objects_root")"
      if [[ -d "$objects_root" && -n "$(find "$objects_root" -mindepth 1 -type f -print -quit)" ]]; then
        (( force )) || die "restore: the object directory $objects_root is not empty; use --objects-root DIR, or --force to move it aside"
        aside="$objects_root.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
        log "restore: --force: moving $objects_root aside to $aside"
        mv "$objects_root" "$aside"
      fi
      mkdir -p "$objects_root"
      log "restore: extracting $(jq -r '.objects.files' "$manifest") files into $objects_root"
      tar --extract --file="$backup/objects.tar" --directory="$objects_root" --no-same-owner \
        || die "restore: extracting objects.tar failed"
      ;;
    bucket-mirror)
      [[ "$(object_provider)" == Minio ]] \
        || die "restore: the backup holds a MinIO/S3 bucket mirror but the app's object store is Local; configure StarStudio__ObjectStore__* for MinIO or pass --no-objects"
      staging="$(mktemp -d)"
      tar --extract --file="$backup/objects.tar" --directory="$staging" --no-same-owner || die "restore: extracting objects.tar failed"
      log "restore: uploading $(jq -r '.objects.files' "$manifest") objects to $(s3_endpoint_url) (existing keys are overwritten, others kept)"
      s3_mirror push "$staging"
      rm -rf "$staging"
      ;;
    *) die "restore: unknown object format '$objects_format' in the manifest" ;;
  esac
fi

log "restore: complete in $(elapsed "$T0") s; start the app on it (its migrator applies nothing older than the backup's code and grants the app role again)"
