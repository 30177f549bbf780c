#!/usr/bin/env bash
# Start StarStudio on this machine: Debian packages, pgvector, the private PostgreSQL
# cluster, then the web app on http://127.0.0.1:${STARSTUDIO_PORT:-5000}.
#   STARSTUDIO_PORT            HTTP port (default 5000)
#   ASPNETCORE_ENVIRONMENT     default Development
#   StarStudio__Demo__Seed     default true
#   STARSTUDIO_FORCE_BUILD=1   always run dotnet build (normally skipped when nothing changed)
# PostgreSQL settings: see scripts/postgres.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
source "$ROOT/scripts/lib.sh"

APP_PORT="${STARSTUDIO_PORT:-5000}"
[[ "$APP_PORT" =~ ^[0-9]+$ ]] || die "run: STARSTUDIO_PORT='$APP_PORT' is not a port number"
if port_in_use "$APP_PORT"; then
  who="$(port_owner "$APP_PORT")"
  die "run: port $APP_PORT on 127.0.0.1 is already in use${who:+ by $who}; stop it or set STARSTUDIO_PORT to a free port"
fi

"$ROOT/scripts/deps.sh"
"$ROOT/scripts/pgvector.sh"
"$ROOT/scripts/postgres.sh" start
eval "$("$ROOT/scripts/postgres.sh" env)"

command -v dotnet >/dev/null 2>&1 || die "run: dotnet not found on PATH (.NET 10 SDK needed)"
[[ -f "$ROOT/StarStudio.Web/StarStudio.Web.csproj" ]] || die "run: $ROOT/StarStudio.Web/StarStudio.Web.csproj not found"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

DLL="$ROOT/StarStudio.Web/bin/Release/net10.0/StarStudio.Web.dll"
STAMP="$ROOT/StarStudio.Web/bin/Release/.starstudio-run.stamp"
needs_build() {
  [[ "${STARSTUDIO_FORCE_BUILD:-0}" == 1 || ! -f "$DLL" || ! -f "$STAMP" ]] && return 0
  local sources=() p
  for p in StarStudio.Web StarStudio.Core StarStudio.Data StarStudio.Parsing StarStudio.ParserWorker wwwroot-assets Directory.Build.props Directory.Packages.props global.json NuGet.config; do
    [[ -e "$ROOT/$p" ]] && sources+=("$ROOT/$p")
  done
  [[ -n "$(find "${sources[@]}" \( -name bin -o -name obj -o -name node_modules \) -prune -o -newer "$STAMP" -print -quit)" ]]
}
if needs_build; then
  log "run: building StarStudio.Web (Release)"
  start=$(now_s)
  mkdir -p "$(dirname "$STAMP")"; touch "$STAMP.new"
  dotnet build "$ROOT/StarStudio.Web" -c Release --nologo -v q -clp:ErrorsOnly || die "run: dotnet build failed"
  mv "$STAMP.new" "$STAMP"
  log "run: built in $(elapsed "$start") s"
else
  log "run: build is up to date (set STARSTUDIO_FORCE_BUILD=1 to rebuild)"
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export StarStudio__Demo__Seed="${StarStudio__Demo__Seed:-true}"
cd "$ROOT/StarStudio.Web"
log "run: starting StarStudio on http://127.0.0.1:$APP_PORT ($ASPNETCORE_ENVIRONMENT)"
exec dotnet "$DLL" --urls "http://127.0.0.1:$APP_PORT" --contentRoot "$ROOT/StarStudio.Web"
