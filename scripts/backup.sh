#!/usr/bin/env bash
# Back up StarStudio into one timestamped folder: the PostgreSQL database (pg_dump -Fc), the MongoDB document store
# when the app uses one (mongodump), and the object store (the local adapter's directory, or a mirror of the MinIO/S3
# buckets), with manifest.json (what, sizes, sha256, versions) and SHA256SUMS. docs/backups.md has the details.
# Usage: scripts/backup.sh [--output DIR] [--keep N] [--no-objects] [--no-documents]
#   --output DIR   where backup folders go (default $STARSTUDIO_BACKUP_DIR, else <repo>/.data/backups)
#   --keep N       afterwards delete all but the N newest complete backups in DIR
#   --no-objects   skip the object store;  --no-documents  skip MongoDB
# Settings (the app's own, from the environment; `eval "$(scripts/postgres.sh env)"` sets them for the local cluster):
#   STARSTUDIO_BACKUP_PG                      connection string of the role pg_dump runs as: read-only, BYPASSRLS
#                                             (starstudio_backup; most tables force row-level security on their owner)
#   StarStudio__DocumentStore__Provider=Mongo, …MongoConnectionString, …MongoDatabase
#   StarStudio__ObjectStore__Provider (Local|Minio), …LocalRoot, …Endpoint, …AccessKey, …SecretKey, …UseSsl, …Region
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/backup-lib.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

output="${STARSTUDIO_BACKUP_DIR:-$STARSTUDIO_ROOT/.data/backups}"
keep=""
with_objects=1
with_documents=1
while (( $# )); do
  case "$1" in
    -o|--output) [[ $# -ge 2 ]] || die "backup: $1 needs a directory"; output=$2; shift 2 ;;
    --keep) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "backup: --keep needs a number of backups (1 or more)"; keep=$2; shift 2 ;;
    --no-objects) with_objects=0; shift ;;
    --no-documents) with_documents=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "backup: unknown argument '$1' (see scripts/backup.sh --help)" ;;
  esac
done

[[ -n "${STARSTUDIO_BACKUP_PG:-}" ]] \
  || die "backup: STARSTUDIO_BACKUP_PG is not set: the connection string of the backup role (eval \"\$(scripts/postgres.sh env)\" sets it for the local cluster; docs/backups.md for other servers)"
command -v jq >/dev/null 2>&1 || die "backup: jq not found (scripts/deps.sh installs it)"

T0=$(now_s)
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$output"
output="$(cd "$output" && pwd -P)"
final="$output/starstudio-$stamp"
[[ ! -e "$final" ]] || die "backup: $final already exists (two backups in the same second?)"
# Written under a hidden name and renamed when complete: a folder named starstudio-* is always a whole backup.
work="$output/.starstudio-$stamp.partial"
mkdir -p "$work"
chmod 700 "$work"
cleanup() { [[ -d "$work" ]] && rm -rf "$work"; }
trap cleanup EXIT

# --- database ------------------------------------------------------------------------------------------------
pg_dump_bin="$(pg_tool pg_dump)"
db_name="$(cs_get "$STARSTUDIO_BACKUP_PG" Database)"
log "backup: dumping database '$db_name' (pg_dump -Fc)"
t=$(now_s)
server_version="$(with_pg "$STARSTUDIO_BACKUP_PG" "$(pg_tool psql)" -X -At -c 'SHOW server_version')" \
  || die "backup: cannot connect with STARSTUDIO_BACKUP_PG"
# pg_dump sets row_security off and fails rather than dump a table partly: a role without BYPASSRLS gets an error,
# never a silently incomplete dump.
with_pg "$STARSTUDIO_BACKUP_PG" "$pg_dump_bin" --format=custom --no-password --file="$work/database.dump" \
  || die "backup: pg_dump failed (the role needs BYPASSRLS and pg_read_all_data: docs/backups.md)"
migration="$(with_pg "$STARSTUDIO_BACKUP_PG" "$(pg_tool psql)" -X -At -c \
  "SELECT coalesce((SELECT max(migration_id) FROM \"__EFMigrationsHistory\"), '')" 2>/dev/null || true)"
tables="$(with_pg "$STARSTUDIO_BACKUP_PG" "$(pg_tool psql)" -X -At -c \
  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%'")"
log "backup: database dumped in $(elapsed "$t") s ($(stat -c %s "$work/database.dump") bytes, $tables tables)"
database_json="$(jq -n --arg name "$db_name" --arg server "$server_version" --arg pg_dump "$("$pg_dump_bin" --version)" \
  --arg migration "$migration" --argjson tables "$tables" --arg role "$(cs_get "$STARSTUDIO_BACKUP_PG" Username)" \
  '{file: "database.dump", format: "pg_dump custom", name: $name, server_version: $server, pg_dump_version: $pg_dump,
    latest_migration: $migration, tables: $tables, dumped_as: $role}')"

# --- documents (MongoDB) -------------------------------------------------------------------------------------
documents_json='{"provider": "Postgres", "note": "the document collections are tables in the database dump"}'
if [[ "$(document_provider)" == Mongo ]]; then
  if (( ! with_documents )); then
    log "backup: skipping MongoDB (--no-documents)"
    documents_json='{"provider": "Mongo", "skipped": true}'
  else
    command -v mongodump >/dev/null 2>&1 \
      || die "backup: the app stores documents in MongoDB but mongodump is not installed (MongoDB Database Tools); --no-documents skips it knowingly"
    : "${StarStudio__DocumentStore__MongoConnectionString:?backup: StarStudio__DocumentStore__MongoConnectionString is required when the document store is Mongo}"
    mongo_db="${StarStudio__DocumentStore__MongoDatabase:-starstudio}"
    log "backup: dumping MongoDB database '$mongo_db' (mongodump --archive --gzip)"
    t=$(now_s)
    # The URI (with its password) goes through a private config file, not the command line.
    mongo_config="$work/.mongo.yaml"
    (umask 077; printf 'uri: %s\n' "$(json_str "$StarStudio__DocumentStore__MongoConnectionString")" >"$mongo_config")
    mongodump --config="$mongo_config" --db="$mongo_db" --archive="$work/documents.archive.gz" --gzip --quiet \
      || die "backup: mongodump failed"
    rm -f "$mongo_config"
    log "backup: MongoDB dumped in $(elapsed "$t") s"
    documents_json="$(jq -n --arg db "$mongo_db" --arg v "$(mongodump --version 2>/dev/null | head -n1)" \
      '{provider: "Mongo", file: "documents.archive.gz", database: $db, mongodump_version: $v}')"
  fi
elif (( ! with_documents )); then
  log "backup: --no-documents has nothing to skip: the document store is PostgreSQL (in the database dump)"
else
  log "backup: no MongoDB configured (StarStudio__DocumentStore__Provider is Postgres): documents are in the database dump"
fi

# --- objects -------------------------------------------------------------------------------------------------
# After the database: an object added meanwhile is an unreferenced extra after a restore; one deleted meanwhile is
# missing (MinIO's versioning keeps it; docs/backups.md).
objects_json='{"skipped": true}'
if (( with_objects )); then
  provider="$(object_provider)"
  t=$(now_s)
  case "$provider" in
    Local)
      root="$(local_object_root)"
      if [[ -d "$root" ]]; then
        log "backup: archiving the local object store $root"
        # '~' marks the store's own temporary files (LocalObjectStore); they are never objects.
        tar --create --file="$work/objects.tar" --directory="$root" --exclude='*~*' \
          --warning=no-file-changed --warning=no-file-removed --ignore-failed-read . \
          || die "backup: tar of $root failed"
      else
        log "backup: the local object store $root does not exist yet; archiving an empty store"
        tar --create --file="$work/objects.tar" --files-from=/dev/null
      fi
      count="$(tar --list --file="$work/objects.tar" | grep -vc '/$' || true)"
      objects_json="$(jq -n --arg root "$root" --argjson count "$count" --arg tar "$(tar --version | head -n1)" \
        '{provider: "Local", file: "objects.tar", format: "local-dir", source: $root, files: $count, tar_version: $tar}')"
      ;;
    Minio)
      tool="$(s3_tool)"
      log "backup: mirroring the buckets of $(s3_endpoint_url) with $tool"
      mirror="$work/.objects"
      s3_mirror pull "$mirror"
      tar --create --file="$work/objects.tar" --directory="$mirror" . || die "backup: tar of the bucket mirror failed"
      count="$(find "$mirror" -type f | wc -l)"
      rm -rf "$mirror"
      objects_json="$(jq -n --arg endpoint "$(s3_endpoint_url)" --argjson count "$count" --arg tool "$(s3_tool_version "$tool")" \
        --arg tar "$(tar --version | head -n1)" \
        '{provider: "Minio", file: "objects.tar", format: "bucket-mirror", source: $endpoint, files: $count, mirror_tool: $tool, tar_version: $tar}')"
      ;;
  esac
  log "backup: objects archived in $(elapsed "$t") s ($count files)"
else
  log "backup: skipping the object store (--no-objects)"
fi

# --- manifest ------------------------------------------------------------------------------------------------
commit="$(git -C "$STARSTUDIO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
jq -n --argjson format "$BACKUP_FORMAT" --arg created "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg host "${HOSTNAME:-$(uname -n)}" \
  --arg commit "$commit" --argjson database "$database_json" --argjson documents "$documents_json" \
  --argjson objects "$objects_json" --argjson files "$(files_json "$work")" \
  '{format: $format, created_at: $created, host: $host, app_commit: $commit,
    database: $database, documents: $documents, objects: $objects, files: $files}' >"$work/manifest.json"
(cd "$work" && sha256sum -- $(jq -r '.files[].name' manifest.json) >SHA256SUMS)
chmod 600 "$work"/*
mv "$work" "$final"
trap - EXIT
log "backup: complete in $(elapsed "$T0") s: $final ($(du -sh "$final" | cut -f1))"

# --- retention -----------------------------------------------------------------------------------------------
if [[ -n "$keep" ]]; then
  mapfile -t complete < <(find "$output" -mindepth 1 -maxdepth 1 -type d -name 'starstudio-*' -exec test -f '{}/manifest.json' \; -print | sort -r)
  for old in "${complete[@]:$keep}"; do
    log "backup: removing $old (--keep $keep)"
    rm -rf -- "$old"
  done
fi
echo "$final"
