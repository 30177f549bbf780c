# Shared helpers for StarStudio's local-infrastructure scripts. Sourced, not executed.
# shellcheck shell=bash

STARSTUDIO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
STARSTUDIO_SCRIPTS="$STARSTUDIO_ROOT/scripts"
STARSTUDIO_DATA="${STARSTUDIO_DATA_DIR:-$STARSTUDIO_ROOT/.data}"

log() { printf '[starstudio] %s\n' "$*" >&2; }
die() { printf '[starstudio] ERROR: %s\n' "$*" >&2; exit 1; }

# Quote a value for safe use in an `export NAME=...` line that callers eval.
shell_quote() { local v=$1; printf "'%s'" "${v//\'/\'\\\'\'}"; }
print_export() { printf 'export %s=%s\n' "$1" "$(shell_quote "$2")"; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  local port=$1
  if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    return 0
  fi
  return 1
}

# Describe who listens on a port, if `ss` can tell (best effort, for error messages).
port_owner() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
  fi
}

ensure_data_dir() {
  mkdir -p "$STARSTUDIO_DATA"
}

# Seconds since the epoch with millisecond precision, for timings.
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }
