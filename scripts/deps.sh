#!/usr/bin/env bash
# Install the Debian packages StarStudio needs on this machine; quick when nothing is missing.
# Usage: scripts/deps.sh [--test]   (--test adds what only the test suite needs: docker-compose, chromium-headless-shell)
# Chromium and the CJK fonts are for everyone: the app prints the 星等报告 (magnitude report) PDF with them.
# jq writes and reads the manifests of scripts/backup.sh and scripts/restore.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

with_test=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) die "unknown argument '$arg' (usage: scripts/deps.sh [--test])" ;;
  esac
done

wanted=(postgresql-15 postgresql-server-dev-15 build-essential ca-certificates curl chromium fonts-noto-cjk jq)
# PostgreSQL 15 in Debian ships contrib (citext) inside postgresql-15; only ask for the
# separate package if the citext extension is somehow absent.
if [[ -e /usr/lib/postgresql/15/bin/postgres && ! -e /usr/share/postgresql/15/extension/citext.control ]]; then
  wanted+=(postgresql-contrib-15)
fi
command -v node >/dev/null 2>&1 || wanted+=(nodejs)
command -v npm >/dev/null 2>&1 || wanted+=(npm)
if (( with_test )); then
  # The browser tests drive Chromium's old headless shell: the same engine without the browser's own UI, a quarter
  # less CPU per journey than the full browser (docs/decisions.md, "The browser tests' Chromium").
  wanted+=(docker-compose chromium-headless-shell)
fi

# One dpkg-query call for all packages keeps the no-op path fast.
missing=()
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)"
for pkg in "${wanted[@]}"; do
  if ! grep -qx "$pkg install ok installed" <<<"$installed"; then
    missing+=("$pkg")
  fi
done

if (( ${#missing[@]} == 0 )); then
  log "deps: all ${#wanted[@]} Debian packages present"
  exit 0
fi

(( EUID == 0 )) || die "deps: missing packages (${missing[*]}) and not root; run as root or install them yourself"
export DEBIAN_FRONTEND=noninteractive
log "deps: installing ${missing[*]}"
start=$(now_s)
apt-get update -qq >/dev/null || die "deps: apt-get update failed"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || die "deps: apt-get install ${missing[*]} failed"
log "deps: installed ${#missing[@]} package(s) in $(elapsed "$start") s"
