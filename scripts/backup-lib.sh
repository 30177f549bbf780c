# Shared by scripts/backup.sh and scripts/restore.sh: the app's settings, read from the environment the way the
# app reads them (StarStudio__Section__Key), and the tools both scripts use. Sourced, not executed.
# shellcheck shell=bash

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The buckets of StarStudio.Core/Storage/IObjectStore.cs (Buckets.All), in the same order.
STARSTUDIO_BUCKETS=(knowledge-raw model-artifacts trial-responses exports avatars feedback-evidence)
# The format of a backup folder; restore.sh refuses folders of another format.
BACKUP_FORMAT=1

# PostgreSQL 15 client tools from Debian; /usr/bin/pg_dump is a wrapper that may pick another major version.
PG_CLIENT_BIN="${STARSTUDIO_PG_CLIENT_BIN:-/usr/lib/postgresql/15/bin}"
pg_tool() {
  local tool=$1
  if [[ -x "$PG_CLIENT_BIN/$tool" ]]; then
    echo "$PG_CLIENT_BIN/$tool"
  elif command -v "$tool" >/dev/null 2>&1; then
    command -v "$tool"
  else
    die "$tool not found (install postgresql-client-15, or set STARSTUDIO_PG_CLIENT_BIN to its bin directory)"
  fi
}

# Runs "$@" with libpq's PG* variables taken from an Npgsql connection string (Host=…;Port=…;Database=…;Username=…;
# Password=…), in a subshell, so the password never appears on a command line. Values with ';' or quotes are not
# supported (Npgsql would need them quoted); the script says so rather than connect somewhere else.
with_pg() {
  local cs=$1; shift
  (
    local part key value parts
    unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE PGSERVICE
    export PGHOST=127.0.0.1 PGPORT=5432 PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
    IFS=';' read -ra parts <<<"$cs"
    for part in "${parts[@]}"; do
      [[ "$part" =~ ^[[:space:]]*$ ]] && continue
      [[ "$part" == *=* ]] || die "connection string part '${part%%=*}' has no '=' value"
      key="${part%%=*}"; value="${part#*=}"
      key="${key//[[:space:]]/}"; key="${key,,}"
      value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
      [[ "$value" == \"* || "$value" == \'* ]] && die "quoted connection string values are not supported (key '$key')"
      case "$key" in
        host|server) export PGHOST="$value" ;;
        port) export PGPORT="$value" ;;
        database|db) export PGDATABASE="$value" ;;
        username|userid|user|uid) export PGUSER="$value" ;;
        password|pwd) export PGPASSWORD="$value" ;;
        sslmode) export PGSSLMODE="${value,,}" ;;
        *) ;; # Pooling, timeouts and other Npgsql-only settings mean nothing to libpq.
      esac
    done
    [[ -n "${PGDATABASE:-}" ]] || die "the connection string names no Database"
    [[ -n "${PGUSER:-}" ]] || die "the connection string names no Username"
    "$@"
  )
}

# The value of key $2 in Npgsql connection string $1 (case-insensitive key), empty when absent.
cs_get() {
  local cs=$1 want=${2,,} part key parts
  IFS=';' read -ra parts <<<"$cs"
  for part in "${parts[@]}"; do
    key="${part%%=*}"; key="${key//[[:space:]]/}"
    if [[ "${key,,}" == "$want" ]]; then
      local value="${part#*=}"
      value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
      printf '%s' "$value"
      return 0
    fi
  done
}

# $1 with Database replaced by $2.
cs_with_database() {
  local cs=$1 db=$2 part key out="" parts found=0
  IFS=';' read -ra parts <<<"$cs"
  for part in "${parts[@]}"; do
    [[ "$part" =~ ^[[:space:]]*$ ]] && continue
    key="${part%%=*}"; key="${key//[[:space:]]/}"
    if [[ "${key,,}" == database || "${key,,}" == db ]]; then part="Database=$db"; found=1; fi
    out+="$part;"
  done
  (( found )) || out+="Database=$db;"
  printf '%s' "${out%;}"
}

# psql that stops at the first error, prints bare values, reads no ~/.psqlrc.
psql_q() { "$(pg_tool psql)" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# Object store settings, as the app resolves them (StorageServiceCollectionExtensions): provider Local (default) or
# Minio; a relative LocalRoot is taken from the web project's content root, like run.sh starts the app.
object_provider() {
  local p="${StarStudio__ObjectStore__Provider:-Local}"
  case "${p,,}" in
    local|"") echo Local ;;
    minio) echo Minio ;;
    *) die "StarStudio__ObjectStore__Provider is '$p'; use Local or Minio" ;;
  esac
}

local_object_root() {
  local root="${StarStudio__ObjectStore__LocalRoot:-../.data/objects}"
  if [[ "$root" != /* ]]; then
    root="${STARSTUDIO_CONTENT_ROOT:-$STARSTUDIO_ROOT/StarStudio.Web}/$root"
  fi
  realpath -m "$root"
}

document_provider() {
  local p="${StarStudio__DocumentStore__Provider:-Postgres}"
  case "${p,,}" in
    postgres|"") echo Postgres ;;
    mongo) echo Mongo ;;
    *) die "StarStudio__DocumentStore__Provider is '$p'; use Postgres or Mongo" ;;
  esac
}

# The S3 client for bucket mirrors: MinIO's mc when present (what compose's backup image has), else the AWS CLI.
# Prints "mc" or "aws"; dies when neither is installed.
s3_tool() {
  if [[ -n "${STARSTUDIO_S3_TOOL:-}" ]]; then
    command -v "$STARSTUDIO_S3_TOOL" >/dev/null 2>&1 || die "STARSTUDIO_S3_TOOL=$STARSTUDIO_S3_TOOL is not installed"
    echo "$STARSTUDIO_S3_TOOL"
  elif command -v mc >/dev/null 2>&1; then echo mc
  elif command -v aws >/dev/null 2>&1; then echo aws
  else die "the object store is MinIO/S3 but neither mc (MinIO client) nor aws (AWS CLI) is installed"
  fi
}

s3_endpoint_url() {
  local endpoint="${StarStudio__ObjectStore__Endpoint:?StarStudio__ObjectStore__Endpoint is required when the object store is Minio}"
  local ssl="${StarStudio__ObjectStore__UseSsl:-false}"
  if [[ "${ssl,,}" == true ]]; then echo "https://$endpoint"; else echo "http://$endpoint"; fi
}

# Copies every object of the configured S3 buckets into (from, with "push") a local directory tree <dir>/<bucket>/<key>.
# mc gets its credentials from MC_HOST_<alias> and aws from AWS_* variables: nothing secret on a command line.
s3_mirror() {
  local direction=$1 dir=$2 tool url bucket
  tool="$(s3_tool)"; url="$(s3_endpoint_url)"
  : "${StarStudio__ObjectStore__AccessKey:?StarStudio__ObjectStore__AccessKey is required when the object store is Minio}"
  : "${StarStudio__ObjectStore__SecretKey:?StarStudio__ObjectStore__SecretKey is required when the object store is Minio}"
  for bucket in "${STARSTUDIO_BUCKETS[@]}"; do
    mkdir -p "$dir/$bucket"
    case "$tool" in
      mc)
        local scheme="${url%%://*}" hostport="${url#*://}"
        if [[ "$direction" == pull ]]; then
          if ! MC_HOST_starstudiobackup="$scheme://$StarStudio__ObjectStore__AccessKey:$StarStudio__ObjectStore__SecretKey@$hostport" \
            mc stat "starstudiobackup/$bucket" >/dev/null 2>&1; then
            log "bucket $bucket does not exist; nothing to copy from it"
            continue
          fi
          MC_HOST_starstudiobackup="$scheme://$StarStudio__ObjectStore__AccessKey:$StarStudio__ObjectStore__SecretKey@$hostport" \
            mc mirror --quiet --overwrite "starstudiobackup/$bucket" "$dir/$bucket" >&2
        else
          MC_HOST_starstudiobackup="$scheme://$StarStudio__ObjectStore__AccessKey:$StarStudio__ObjectStore__SecretKey@$hostport" \
            mc mb --ignore-existing "starstudiobackup/$bucket" >&2
          MC_HOST_starstudiobackup="$scheme://$StarStudio__ObjectStore__AccessKey:$StarStudio__ObjectStore__SecretKey@$hostport" \
            mc mirror --quiet --overwrite "$dir/$bucket" "starstudiobackup/$bucket" >&2
        fi
        ;;
      aws)
        local -a aws_env=(AWS_ACCESS_KEY_ID="$StarStudio__ObjectStore__AccessKey" AWS_SECRET_ACCESS_KEY="$StarStudio__ObjectStore__SecretKey"
          AWS_DEFAULT_REGION="${StarStudio__ObjectStore__Region:-us-east-1}" AWS_EC2_METADATA_DISABLED=true)
        if [[ "$direction" == pull ]]; then
          if ! env "${aws_env[@]}" aws --endpoint-url "$url" s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
            log "bucket $bucket does not exist; nothing to copy from it"
            continue
          fi
          env "${aws_env[@]}" aws --endpoint-url "$url" s3 sync --only-show-errors "s3://$bucket" "$dir/$bucket" >&2
        else
          env "${aws_env[@]}" aws --endpoint-url "$url" s3 mb "s3://$bucket" >/dev/null 2>&1 || true
          env "${aws_env[@]}" aws --endpoint-url "$url" s3 sync --only-show-errors "$dir/$bucket" "s3://$bucket" >&2
        fi
        ;;
    esac
  done
}

s3_tool_version() {
  case "$1" in
    mc) mc --version 2>/dev/null | head -n1 ;;
    aws) aws --version 2>&1 | head -n1 ;;
  esac
}

# JSON string literal of $1.
json_str() { jq -Rn --arg v "$1" '$v'; }

# Files under a directory, sizes and sha256 (for the manifest), as a JSON array.
files_json() {
  local dir=$1 f
  (cd "$dir" && for f in *; do
    [[ -f "$f" ]] || continue
    [[ "$f" == manifest.json || "$f" == SHA256SUMS ]] && continue
    jq -n --arg name "$f" --argjson size "$(stat -c %s "$f")" --arg sha256 "$(sha256sum "$f" | cut -d' ' -f1)" \
      '{name: $name, size: $size, sha256: $sha256}'
  done) | jq -s .
}
