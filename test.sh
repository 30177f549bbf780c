#!/usr/bin/env bash
# Build StarStudio and run its test layers against local services.
# Usage: ./test.sh [unit|integration|components|e2e|all]...   (default: all)
#   STARSTUDIO_TEST_LAYER_TIMEOUT   seconds one layer may take before it is stopped (default 1800)
# Services: scripts/postgres.sh (STARSTUDIO_PG_FAST=1) and scripts/s3rver.sh; both stay running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
source "$ROOT/scripts/lib.sh"
T0=$(now_s)

declare -A LAYER_NAME=([unit]=Unit [integration]=Integration [components]=Components [e2e]=E2E)
ALL_LAYERS=(unit integration components e2e)
layers=()
for arg in "${@:-all}"; do
  case "$arg" in
    all) layers=("${ALL_LAYERS[@]}") ;;
    unit|integration|components|e2e) [[ " ${layers[*]} " == *" $arg "* ]] || layers+=("$arg") ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) die "test: unknown layer '$arg' (use unit, integration, components, e2e or all)" ;;
  esac
done

RESULTS="$ROOT/TestResults"
LAYER_TIMEOUT="${STARSTUDIO_TEST_LAYER_TIMEOUT:-1800}"

# Summary rows: name|status|passed|failed|skipped|seconds
rows=()
trx_run=()
add_row() { rows+=("$1|$2|$3|$4|$5|$6"); }

finish() {
  local total_p=0 total_f=0 total_s=0 row name status p f s secs
  echo
  log "summary"
  printf '  %-12s %-9s %7s %7s %8s %9s\n' layer status passed failed skipped seconds
  printf '  %-12s %-9s %7s %7s %8s %9s\n' ------------ --------- ------- ------- -------- ---------
  for row in "${rows[@]}"; do
    IFS='|' read -r name status p f s secs <<<"$row"
    printf '  %-12s %-9s %7s %7s %8s %9s\n' "$name" "$status" "$p" "$f" "$s" "$secs"
    total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
  done
  log "total wall time: $(elapsed "$T0") s"
  if [[ "${CI:-}" == true ]]; then
    # Build servers must not outlive a CI run.
    dotnet build-server shutdown >/dev/null 2>&1 || true
  fi
  echo "$total_p passed, $total_f failed, $total_s skipped"
  if (( total_f > 0 )); then
    # The failed tests by name, last, where a truncated log still shows them (their messages are in TestResults/*.log).
    log "failed tests:"
    grep -ho '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "${trx_run[@]}" /dev/null 2>/dev/null \
      | grep -o 'testName="[^"]*"' | sed 's/^testName="/  /; s/"$//' || true
    exit 1
  fi
  exit 0
}

# --- services -----------------------------------------------------------------------
# A service that cannot start ends the run with a failed row instead of a bare error.
service_step() {
  local name=$1; shift
  if ! "$@"; then
    log "test: $name failed; no test layer can run"
    add_row "$name" FAILED 0 1 0 0
    finish
  fi
}
service_step deps "$ROOT/scripts/deps.sh" --test
service_step pgvector "$ROOT/scripts/pgvector.sh"
service_step postgres env STARSTUDIO_PG_FAST=1 "$ROOT/scripts/postgres.sh" start
service_step s3rver "$ROOT/scripts/s3rver.sh" start
eval "$("$ROOT/scripts/postgres.sh" env)"
eval "$("$ROOT/scripts/s3rver.sh" env)"
# The browser tests use Chromium's headless shell (deps.sh --test installs it); the full browser where it is missing.
if [[ -x /usr/bin/chromium-headless-shell ]]; then
  export STARSTUDIO_CHROMIUM=/usr/bin/chromium-headless-shell
else
  export STARSTUDIO_CHROMIUM=/usr/bin/chromium
fi
export STARSTUDIO_TEST_ARTIFACTS="$RESULTS/e2e"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[[ "${CI:-}" == true ]] && export MSBUILDDISABLENODEREUSE=1
mkdir -p "$RESULTS" "$STARSTUDIO_TEST_ARTIFACTS"

# --- checks -------------------------------------------------------------------------
t=$(now_s)
# The compose file requires an admin the operator chose (${VAR:?…}): it is valid with one, and must refuse to
# start without one. An .env file beside it would supply values, so the second check starts from an empty one.
COMPOSE_ENV=(STARSTUDIO_ADMIN_EMAIL=admin@compose-check.test STARSTUDIO_ADMIN_PASSWORD=compose-check-1)
if (cd "$ROOT" && env "${COMPOSE_ENV[@]}" docker-compose -f docker-compose.yml config -q) >"$RESULTS/compose-config.log" 2>&1; then
  log "test: docker-compose.yml is valid"
  add_row compose-file ok 1 0 0 "$(elapsed "$t")"
else
  cat "$RESULTS/compose-config.log" >&2
  log "test: docker-compose.yml is NOT valid (docker-compose config -q)"
  add_row compose-file FAILED 0 1 0 "$(elapsed "$t")"
fi
t=$(now_s)
COMPOSE_EMPTY_ENV="$(mktemp)"
if (cd "$ROOT" && env -u STARSTUDIO_ADMIN_EMAIL -u STARSTUDIO_ADMIN_PASSWORD \
      docker-compose --env-file "$COMPOSE_EMPTY_ENV" -f docker-compose.yml config -q) >"$RESULTS/compose-no-admin.log" 2>&1; then
  log "test: docker-compose.yml starts WITHOUT an admin password (it must require STARSTUDIO_ADMIN_PASSWORD)"
  add_row compose-admin FAILED 0 1 0 "$(elapsed "$t")"
elif grep -q STARSTUDIO_ADMIN "$RESULTS/compose-no-admin.log"; then
  log "test: docker-compose.yml refuses to start without an admin"
  add_row compose-admin ok 1 0 0 "$(elapsed "$t")"
else
  cat "$RESULTS/compose-no-admin.log" >&2
  log "test: docker-compose.yml failed without an admin, but not because of STARSTUDIO_ADMIN_*"
  add_row compose-admin FAILED 0 1 0 "$(elapsed "$t")"
fi
rm -f "$COMPOSE_EMPTY_ENV"

command -v dotnet >/dev/null 2>&1 || { log "test: dotnet not found on PATH (.NET 10 SDK needed)"; add_row build FAILED 0 1 0 0; finish; }
SLN=""
for candidate in StarStudio.sln StarStudio.slnx; do
  [[ -f "$ROOT/$candidate" ]] && { SLN="$ROOT/$candidate"; break; }
done
if [[ -z "$SLN" ]]; then
  log "test: StarStudio.sln not found in $ROOT; there is nothing to build or test yet"
  add_row build FAILED 0 1 0 0
  finish
fi
if [[ ! -f "$ROOT/StarStudio.Tests/StarStudio.Tests.csproj" ]]; then
  log "test: StarStudio.Tests/StarStudio.Tests.csproj not found in $ROOT; no tests to run"
  add_row build FAILED 0 1 0 0
  finish
fi

t=$(now_s)
log "test: building $(basename "$SLN") (Debug)"
if dotnet build "$SLN" -c Debug --nologo -v q -clp:ErrorsOnly; then
  add_row build ok 1 0 0 "$(elapsed "$t")"
else
  log "test: dotnet build failed; no test layer can run"
  add_row build FAILED 0 1 0 "$(elapsed "$t")"
  finish
fi

# --- test layers --------------------------------------------------------------------
attr() { grep -o "$1=\"[0-9]*\"" <<<"$2" | head -n1 | grep -o '[0-9]*' || echo 0; }

for layer in "${layers[@]}"; do
  name="${LAYER_NAME[$layer]}"
  trx="$RESULTS/$layer.trx"
  console="$RESULTS/$layer.log"
  rm -f "$trx"
  trx_run+=("$trx")
  log "test: running $name tests"
  t=$(now_s)
  rc=0
  (cd "$ROOT" && timeout --kill-after=30 "$LAYER_TIMEOUT" dotnet test StarStudio.Tests --no-build --nologo \
      --filter "FullyQualifiedName~StarStudio.Tests.$name." \
      --logger "trx;LogFileName=$layer.trx" --results-directory "$RESULTS" \
      --logger "console;verbosity=normal") 2>&1 | tee "$console" || rc=$?
  secs="$(elapsed "$t")"
  p=0 f=0 s=0
  if [[ -f "$trx" ]]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1 || true)"
    total=$(attr total "$counters"); executed=$(attr executed "$counters")
    p=$(attr passed "$counters")
    f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
    s=$(( total - executed ))
    (( s < 0 )) && s=0
  fi
  status=ok
  if (( rc != 0 )); then
    status=FAILED
    if (( rc == 124 || rc == 137 )); then
      status=TIMEOUT
      log "test: $name tests stopped after ${LAYER_TIMEOUT}s (STARSTUDIO_TEST_LAYER_TIMEOUT)"
    fi
    # A crashed or timed-out run may not have counted its failure anywhere.
    (( f == 0 )) && f=1
  elif (( f > 0 )); then
    status=FAILED
  fi
  add_row "$name" "$status" "$p" "$f" "$s" "$secs"
done

finish
