#!/usr/bin/env bash
# Smoke test of ./run.sh, the README's "run the whole shop" command (a wrapper of the Aspire AppHost).
#
# Starts it in the background on free ports with a throwaway data folder (so a shop already
# running on this machine is not disturbed), waits until the shop answers, sends SIGINT as Ctrl+C
# would, then checks that run.sh exited cleanly, that no process it started is left (the AppHost,
# DCP, the dashboard, the servers, RabbitMQ's epmd, the services) and that every port it used is
# free. Exits non-zero otherwise, showing run.sh's output. The backing servers run as executables
# (--executables), as on a machine without a container runtime.
#
# "Answers" means, with the projects this checkout has:
#   Commerce.Web:  the storefront's home page, and a product page /products/{id} of a product
#                  Catalog lists (when Commerce.Catalog exists too);
#   otherwise:     /health of the first service that exists (Catalog, Cart, Ordering);
#   no service:    run.sh reports ready (PostgreSQL, Redis and RabbitMQ are up).
#
# Environment: SMOKE_TIMEOUT (seconds from the end of run.sh's build until the shop must answer,
# default 300), SMOKE_BUILD_TIMEOUT (seconds for the build, default 600), COMMERCE_CONFIGURATION
# (passed to run.sh, default Release: right after `./test.sh`, which builds Release, run.sh's
# build has nothing to do and the whole smoke test takes about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."

timeout=${SMOKE_TIMEOUT:-300}
build_timeout=${SMOKE_BUILD_TIMEOUT:-600}
export COMMERCE_CONFIGURATION=${COMMERCE_CONFIGURATION:-Release}
home=$(mktemp -d /tmp/commerce-smoke.XXXXXX)
chmod 755 "$home"   # PostgreSQL runs as its own user and must reach its data folder
out=$home.out
started=$SECONDS

note() { printf 'run-smoke: %s\n' "$*"; }
# What the run started: the AppHost and DCP carry the data folder in their environment, the
# servers on their command line or as their working directory (Redis and PostgreSQL rewrite their
# titles), epmd has its port on its command line, the services their connection strings.
left_pids() {
  local pid cmd env cwd
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$pid" = $$ ] && continue
    cmd=$({ tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null) || continue
    env=$({ tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null) || env=''
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=''
    case "$cmd" in *run-smoke*) continue ;; esac
    if [[ $cmd == *"$home"* || $cwd == "$home"* || $cmd == *"-port $COMMERCE_EPMD_PORT "* ]] \
      || grep -qxF "COMMERCE_HOME=$home" <<<"$env" \
      || grep -qF -e "Port=$COMMERCE_POSTGRES_PORT;" -e "127.0.0.1:$COMMERCE_REDIS_PORT," -e "ERL_EPMD_PORT=$COMMERCE_EPMD_PORT" <<<"$env"; then
      echo "$pid"
    fi
  done
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Thirteen free loopback ports, chosen by the kernel.
read -r -a ports <<<"$(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(13)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()
PY
)"
export COMMERCE_HOME=$home
export COMMERCE_WEB_PORT=${ports[0]} COMMERCE_CATALOG_PORT=${ports[1]} COMMERCE_CART_PORT=${ports[2]} \
  COMMERCE_ORDERING_PORT=${ports[3]} COMMERCE_POSTGRES_PORT=${ports[4]} COMMERCE_REDIS_PORT=${ports[5]} \
  COMMERCE_RABBITMQ_PORT=${ports[6]} COMMERCE_RABBITMQ_MANAGEMENT_PORT=${ports[7]} \
  COMMERCE_RABBITMQ_DIST_PORT=${ports[8]} COMMERCE_EPMD_PORT=${ports[9]} COMMERCE_DASHBOARD_PORT=${ports[10]} \
  COMMERCE_OTLP_PORT=${ports[11]} COMMERCE_RESOURCE_SERVICE_PORT=${ports[12]}

run_pid=''
finish() {
  local status=$?
  set +e
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid"
    for _ in $(seq 1 150); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$run_pid" 2>/dev/null
  fi
  local rest
  rest="$(left_pids)"
  # shellcheck disable=SC2086
  [ -n "${rest// /}" ] && kill -KILL $rest 2>/dev/null
  if [ "$status" -ne 0 ]; then
    note "FAILED; run.sh's output:"
    sed 's/^/  | /' "$out" 2>/dev/null | tail -n 80
  fi
  rm -rf "$home" "$out"
  exit "$status"
}
trap finish EXIT

# Job control gives run.sh its own process group, where SIGINT is not ignored (bash ignores it in
# background jobs of a script otherwise).
set -m
./run.sh --executables > "$out" 2>&1 &
run_pid=$!
set +m
note "started ./run.sh (pid $run_pid) with data in $home"

web=false catalog=false first_service=''
[ -f Commerce.Web/Commerce.Web.csproj ] && web=true
[ -f Commerce.Catalog/Commerce.Catalog.csproj ] && catalog=true
for candidate in Catalog:"$COMMERCE_CATALOG_PORT" Cart:"$COMMERCE_CART_PORT" Ordering:"$COMMERCE_ORDERING_PORT"; do
  if [ -z "$first_service" ] && [ -f "Commerce.${candidate%%:*}/Commerce.${candidate%%:*}.csproj" ]; then
    first_service=$candidate
  fi
done

answers() {
  [ -f "$home/run/ready" ] || return 1
  if $web; then
    local base="http://127.0.0.1:$COMMERCE_WEB_PORT" id
    curl -fsS -o /dev/null -m 10 "$base/" || return 1
    if $catalog; then
      id=$(curl -fsS -m 10 "http://127.0.0.1:$COMMERCE_CATALOG_PORT/api/catalog/products?page=1&pageSize=1" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])') || return 1
      curl -fsS -o /dev/null -m 10 "$base/products/$id" || return 1
      note "the storefront served its home page and the product page /products/$id"
    else
      note "the storefront served its home page (no Commerce.Catalog here, so no product page)"
    fi
  elif [ -n "$first_service" ]; then
    curl -fsS -o /dev/null -m 10 "http://127.0.0.1:${first_service#*:}/health" || return 1
    note "no Commerce.Web here: ${first_service%%:*}'s /health answered"
  else
    note "no service here yet: run.sh reported PostgreSQL, Redis and RabbitMQ ready"
  fi
}

still_running() {
  kill -0 "$run_pid" 2>/dev/null && return 0
  set +e; wait "$run_pid"; note "run.sh exited with $? before the shop answered"; exit 1
}

# A cold build on a busy machine takes as long as it takes; the budget starts once run.sh has
# built.
until grep -q 'starting the AppHost' "$out" 2>/dev/null; do
  still_running
  [ $((SECONDS - started)) -lt "$build_timeout" ] || { note "run.sh did not get past its build within ${build_timeout}s"; exit 1; }
  sleep 1
done
built=$SECONDS
until answers; do
  still_running
  [ $((SECONDS - built)) -lt "$timeout" ] || { note "the shop did not answer within ${timeout}s after the build"; exit 1; }
  sleep 1
done
note "up after $((SECONDS - started))s ($((built - started))s to build); sending SIGINT"

stop_started=$SECONDS
kill -INT "$run_pid"
while kill -0 "$run_pid" 2>/dev/null; do
  [ $((SECONDS - stop_started)) -lt 90 ] || { note "run.sh still running 90s after SIGINT"; exit 1; }
  sleep 0.2
done
set +e
wait "$run_pid"
run_status=$?
set -e
run_pid=''
note "run.sh exited with $run_status after $((SECONDS - stop_started))s"

failures=0
[ "$run_status" -eq 0 ] || { note "run.sh should exit 0 after SIGINT"; failures=$((failures + 1)); }
# run.sh says "stopped" only once nothing it started is left; allow the kernel a moment to reap.
for _ in 1 2 3 4 5; do
  sleep 1
  left="$(left_pids)"
  [ -n "${left// /}" ] || break
  seen=$(ps -o pid=,args= -p "$(echo $left | tr ' ' ',')" 2>/dev/null || true)
  [ -n "$seen" ] || { left=''; break; }   # they exited between the scan and the listing
done
if [ -n "${left// /}" ]; then
  note "processes left behind 5s after run.sh exited:"
  printf '%s\n' "$seen" | sed 's/^/  /'
  failures=$((failures + 1))
fi
for p in "${ports[@]}"; do
  if listening "$p"; then
    note "port $p is still in use: $(ss -ltnpH "sport = :$p" 2>/dev/null | head -n 1)"
    failures=$((failures + 1))
  fi
done
grep -q 'stopped; data kept' "$out" || { note "run.sh did not report a clean stop"; failures=$((failures + 1)); }

[ "$failures" -eq 0 ] || exit 1
note "PASS in $((SECONDS - started))s: nothing left running, every port free"
