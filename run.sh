#!/usr/bin/env bash
# Runs the whole shop through the Aspire AppHost (Commerce.AppHost), with the Aspire dashboard on
# plain http. PostgreSQL, Redis and RabbitMQ run in containers where a container runtime answers,
# otherwise from the OS packages as executables. Ctrl+C (or SIGTERM) stops everything.
#
#   ./run.sh                start (the first run installs OS packages and builds; later runs reuse)
#   ./run.sh --reset        wipe the servers' data (.commerce/data) first
#   ./run.sh --no-build     start what was built before
#   ./run.sh --executables  force the OS packages' servers (--containers forces containers)
#
# Environment overrides (defaults in brackets):
#   COMMERCE_HOME [./.commerce]  COMMERCE_CONFIGURATION [Release]  COMMERCE_READY_TIMEOUT [300 s]
#   COMMERCE_WEB_PORT [5100] COMMERCE_CATALOG_PORT [5101] COMMERCE_CART_PORT [5102] COMMERCE_ORDERING_PORT [5103]
#   COMMERCE_RECOMMENDATIONS_PORT [5104]
#   COMMERCE_POSTGRES_PORT [5110] COMMERCE_REDIS_PORT [5111] COMMERCE_RABBITMQ_PORT [5112]
#   COMMERCE_RABBITMQ_MANAGEMENT_PORT [5113] COMMERCE_RABBITMQ_DIST_PORT [5114] COMMERCE_EPMD_PORT [5115]
#   COMMERCE_DASHBOARD_PORT [5120] COMMERCE_OTLP_PORT [5121] COMMERCE_RESOURCE_SERVICE_PORT [5122]
#   COMMERCE_ADMIN_EMAIL [admin@commerce.example.com]
#   COMMERCE_REPLICAS [1] (replicas of Catalog, Cart and Ordering)
#   COMMERCE_RECOMMENDATIONS [true] (false: the shop without the Recommendations service)
set -euo pipefail
cd "$(dirname "$0")"
repo=$PWD

reset=false build=true mode=auto
for arg in "$@"; do
  case "$arg" in
    --reset) reset=true ;;
    --no-build) build=false ;;
    --executables) mode=executables ;;
    --containers) mode=containers ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

home=$(realpath -m "${COMMERCE_HOME:-$repo/.commerce}")
config=${COMMERCE_CONFIGURATION:-Release}
ready_timeout=${COMMERCE_READY_TIMEOUT:-300}
if [ -t 1 ]; then bold=$'\e[1m' off=$'\e[0m'; else bold='' off=''; fi
say() { printf '%srun      │%s %s\n' "$bold" "$off" "$*"; }
fail() { say "ERROR: $*" >&2; exit 1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Before anything starts: the OS packages and free ports, each failure one line saying how to fix it.
if [ "$mode" != containers ]; then
  bash scripts/prerequisites.sh --servers curl python3 || exit 1
else
  bash scripts/prerequisites.sh --none curl python3 || exit 1
fi
declare -A ports=(
  [COMMERCE_WEB_PORT]=5100 [COMMERCE_CATALOG_PORT]=5101 [COMMERCE_CART_PORT]=5102 [COMMERCE_ORDERING_PORT]=5103 [COMMERCE_RECOMMENDATIONS_PORT]=5104
  [COMMERCE_DASHBOARD_PORT]=5120 [COMMERCE_OTLP_PORT]=5121 [COMMERCE_RESOURCE_SERVICE_PORT]=5122)
if [ "$mode" != containers ]; then
  ports+=([COMMERCE_POSTGRES_PORT]=5110 [COMMERCE_REDIS_PORT]=5111 [COMMERCE_RABBITMQ_PORT]=5112
    [COMMERCE_RABBITMQ_MANAGEMENT_PORT]=5113 [COMMERCE_RABBITMQ_DIST_PORT]=5114 [COMMERCE_EPMD_PORT]=5115)
fi
for var in "${!ports[@]}"; do
  port=${!var:-${ports[$var]}}
  ports[$var]=$port
  export "$var=$port"
  if listening "$port"; then
    fail "port $port is already in use: set $var to another port, or stop what listens there."
  fi
done

# One run per data folder. The lock's descriptor is closed in every child (9>&-).
mkdir -p "$home/run" "$home/logs"
chmod 755 "$home"
# As root, PostgreSQL runs as the postgres user, who must be able to reach the data folder: a
# folder above it closed to others (a clone under /root, or in a mktemp -d folder) fails here
# with the fix, instead of PostgreSQL failing to start in the dashboard.
if [ "$mode" != containers ] && [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$home"; then
  closed=''
  IFS=/ read -ra parts <<< "${home#/}"
  for part in "${parts[@]}"; do
    closed=$closed/$part
    runuser -u postgres -- test -x "$closed" || break
  done
  fail "PostgreSQL runs as the postgres user, who cannot enter $closed: run 'chmod o+x $closed', or set COMMERCE_HOME to a folder outside it."
fi
exec 9>"$home/run.lock"
flock -n 9 || fail "another ./run.sh is running on $home; stop it first (Ctrl+C in its terminal)."
rm -f "$home/run/ready"
if $reset; then
  say "--reset: wiping the servers' data in $home/data"
  rm -rf "$home/data"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
apphost=Commerce.AppHost/bin/$config/net10.0/Commerce.AppHost.dll
if $build; then
  say "building the AppHost and every service ($config; the first build takes a few minutes)…"
  started=$SECONDS
  # Build servers off, so that no compiler process outlives the run.
  dotnet build Commerce.AppHost/Commerce.AppHost.csproj -c "$config" --disable-build-servers -nologo -v q -clp:ErrorsOnly \
    > "$home/logs/build.log" 2>&1 9>&- || { tail -n 40 "$home/logs/build.log" >&2; fail "the build failed: see $home/logs/build.log"; }
  say "built in $((SECONDS - started))s"
fi
[ -f "$apphost" ] || fail "$apphost is missing: run without --no-build (or COMMERCE_CONFIGURATION=$config is not what was built)."

app_args=("--Parameters:backing-servers=$mode")
[ -n "${COMMERCE_ADMIN_EMAIL:-}" ] && app_args+=("--Parameters:admin-email=$COMMERCE_ADMIN_EMAIL")
dashboard=http://127.0.0.1:${ports[COMMERCE_DASHBOARD_PORT]}
storefront=http://127.0.0.1:${ports[COMMERCE_WEB_PORT]}
log=$home/logs/apphost.log

# The AppHost runs in its own session, so Ctrl+C reaches only this script, which stops it; it
# then stops DCP, the dashboard and every resource. Its output goes to the terminal and its log.
say "starting the AppHost (backing servers: $mode)"
app_pid=''
stopping=false
# Processes this run started: DCP hands the AppHost's environment down, and the servers carry
# the data folder on their command line. This script's own session (itself, its pipelines, what
# started it) is not among them: the AppHost was started in a session of its own.
own_session=$(ps -o sid= -p $$ | tr -d ' ')
own_pids() {
  local candidates
  candidates=$({ grep -lzxF "COMMERCE_HOME=$home" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
    pgrep -f -- "$home/" || true; } | sort -un | tr '\n' ',' | sed 's/,$//')
  [ -n "$candidates" ] || return 0
  ps -o pid=,sid= -p "$candidates" 2>/dev/null | awk -v own="$own_session" '$2 != own { print $1 }' | tr '\n' ' ' | sed 's/ $//'
}
stop_all() {
  $stopping && return 0
  stopping=true
  set +e
  trap '' INT TERM
  rm -f "$home/run/ready"
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    say "stopping…"
    kill -TERM "$app_pid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$app_pid" 2>/dev/null
  fi
  # DCP watches the AppHost and stops itself and what it started shortly after the AppHost exits.
  local dcp
  for _ in $(seq 1 150); do
    dcp=$(pgrep -f -- "--monitor $app_pid( |$)" || true)
    [ -z "$dcp" ] && break
    sleep 0.2
  done
  if [ -n "$dcp" ]; then
    say "DCP still running 30s after the AppHost, killing: $(echo $dcp)"
    kill -KILL $dcp 2>/dev/null
  fi
  # The servers and services DCP stopped may still be shutting down (PostgreSQL's checkpoint,
  # RabbitMQ's node): "stopped" means none of them is left.
  local rest
  for _ in $(seq 1 100); do
    rest=$(own_pids)
    [ -z "$rest" ] && break
    sleep 0.2
  done
  if [ -n "$rest" ]; then
    say "still running 20s after DCP, killing: $(ps -o pid=,comm= -p "${rest// /,}" | tr '\n' ' ')"
    kill -KILL $rest 2>/dev/null
  fi
  say "stopped; data kept in $home/data (./run.sh --reset wipes it)"
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

env DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
  ASPNETCORE_URLS="$dashboard" \
  ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://127.0.0.1:${ports[COMMERCE_OTLP_PORT]}" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:${ports[COMMERCE_RESOURCE_SERVICE_PORT]}" \
  ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  COMMERCE_HOME="$home" \
  setsid dotnet "$apphost" "${app_args[@]}" </dev/null 9>&- > >(trap '' INT TERM; exec tee "$log") 2>&1 &
app_pid=$!

# Ready when the storefront answers: the AppHost starts it last, once everything it needs is healthy.
started=$SECONDS next_note=$((SECONDS + 15))
until [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$storefront/" 9>&-)" = 200 ]; do
  kill -0 "$app_pid" 2>/dev/null || { wait "$app_pid"; fail "the AppHost exited (status $?): see $log"; }
  if [ $((SECONDS - started)) -ge "$ready_timeout" ]; then
    fail "the storefront did not answer within ${ready_timeout}s: the dashboard shows which resource is not healthy ($log)"
  fi
  if [ $SECONDS -ge $next_note ]; then
    say "waiting for the storefront… $((SECONDS - started))s"
    next_note=$((SECONDS + 15))
  fi
  sleep 1
done

# The dashboard's login link (its token changes every run) and the first admin's sign-in, kept
# with the other generated secrets in the AppHost's user secrets, outside the repository.
login=$(grep -o "$dashboard/login?t=[0-9a-f]*" "$log" | tail -n 1 || true)
secrets=$HOME/.microsoft/usersecrets/$(sed -n 's:.*<UserSecretsId>\(.*\)</UserSecretsId>.*:\1:p' Commerce.AppHost/Commerce.AppHost.csproj)/secrets.json
admin_email=${COMMERCE_ADMIN_EMAIL:-admin@commerce.example.com}
admin_password=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8-sig")).get("Parameters:admin-password", "(not generated yet)"))' "$secrets" 2>/dev/null || echo "(see $secrets)")
# The load test (loadtest/shop.py) signs its tokens with the storefront's key from here.
( umask 077; mkdir -p "$home/secrets"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1], encoding="utf-8-sig"))["Parameters:auth-signing-key"].strip())' \
    "$secrets" > "$home/secrets/auth-signing-key.pem" 2>/dev/null || rm -f "$home/secrets/auth-signing-key.pem" )
echo
say "${bold}Commerce is running${off} (ready in ${SECONDS}s). Ctrl+C stops everything."
say "  storefront     ${bold}$storefront${off}"
say "  dashboard      ${bold}${login:-$dashboard}${off}"
say "  admin sign-in  $admin_email / $admin_password"
say "  logs           $log (each resource's logs: the dashboard)"
echo
printf 'storefront=%s\ndashboard=%s\n' "$storefront" "${login:-$dashboard}" > "$home/run/ready"

wait "$app_pid" || true
fail "the AppHost exited: see $log"
