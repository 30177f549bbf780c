#!/usr/bin/env bash
# Make sure pgvector >= 0.8 is installed for PostgreSQL 15.
# Bookworm does not ship pgvector, so the source package comes from the next Debian suite
# through a private sources list and lists directory (the machine's own apt lists stay as
# they are) and is compiled against postgresql-server-dev-15.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
MIN_VERSION=0.8.0
SOURCE_SUITE="${STARSTUDIO_PGVECTOR_SUITE:-trixie}"

[[ -x "$PG_CONFIG" ]] || die "pgvector: $PG_CONFIG not found; run scripts/deps.sh first"
control="$("$PG_CONFIG" --sharedir)/extension/vector.control"

installed_version() {
  [[ -f "$control" ]] || return 0
  sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$control" | head -n1
}

version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

current="$(installed_version)"
if [[ -n "$current" ]] && version_ge "$current" "$MIN_VERSION"; then
  log "pgvector: $current already installed"
  exit 0
fi
log "pgvector: ${current:-not installed}; building >= $MIN_VERSION from Debian's $SOURCE_SUITE source package"
start=$(now_s)

[[ -d "$("$PG_CONFIG" --includedir-server)" ]] && [[ -f "$("$PG_CONFIG" --pgxs)" ]] \
  || die "pgvector: postgresql-server-dev-15 is missing; run scripts/deps.sh first"
export DEBIAN_FRONTEND=noninteractive
if ! command -v dpkg-source >/dev/null 2>&1; then
  log "pgvector: installing dpkg-dev (apt-get source needs it)"
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

build_root="$STARSTUDIO_DATA/build"
apt_dir="$build_root/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d"
cat >"$apt_dir/sources.list" <<LIST
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SOURCE_SUITE main
LIST
# Private lists, no package caches: nothing under /etc/apt or /var/lib/apt/lists changes.
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "APT::Sandbox::User=root"
)
apt-get "${apt_opts[@]}" update -qq >/dev/null \
  || die "pgvector: apt-get update of the private $SOURCE_SUITE deb-src list failed"

work="$(mktemp -d "$build_root/pgvector.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only -qq pgvector >/dev/null 2>&1) \
  || die "pgvector: apt-get source pgvector failed (suite $SOURCE_SUITE)"
dsc="$(ls "$work"/pgvector_*.dsc 2>/dev/null | head -n1)"
[[ -n "$dsc" ]] || die "pgvector: no pgvector .dsc downloaded"
# The Sources index is signed and checked by apt; the .dsc signature key is not on this
# machine, so skip that second check instead of failing on it.
(cd "$work" && dpkg-source --no-check -x "$(basename "$dsc")" src >/dev/null 2>&1) \
  || die "pgvector: could not unpack $(basename "$dsc")"

src="$work/src"
src_version="$(sed -n "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$src/vector.control")"
version_ge "$src_version" "$MIN_VERSION" \
  || die "pgvector: $SOURCE_SUITE ships pgvector $src_version, older than $MIN_VERSION"
log "pgvector: compiling $src_version"

# OPTFLAGS="" keeps the binary portable (no -march=native); with_llvm=no skips JIT bitcode.
make_args=(PG_CONFIG="$PG_CONFIG" OPTFLAGS="" with_llvm=no)
make -C "$src" -j"$(nproc)" "${make_args[@]}" >"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log" >&2; die "pgvector: build failed"; }
make -C "$src" "${make_args[@]}" install >>"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log" >&2; die "pgvector: make install failed"; }

current="$(installed_version)"
version_ge "${current:-0}" "$MIN_VERSION" || die "pgvector: installed control file still says '${current}'"
log "pgvector: $current installed in $(elapsed "$start") s"
