#!/usr/bin/env bash
# The Black Friday load test: shoppers browse, search, fill carts and check out under a flash-sale
# shape against the locally running shop, then the run is checked (no unit oversold, every order
# final within 60 s, no 5xx, and the asked load was really generated) and reported in one results folder.
# Exits 1 when an invariant fails.
#
#   loadtest/run.sh [--short]     flash sale in ~2 minutes (baseline 20 shoppers, surge to 200)
#   loadtest/run.sh --full        flash sale in ~9 minutes (baseline 30, surge to 300, 3-minute hold)
#   loadtest/run.sh --smoke       flash sale in ~1 minute (baseline 5, surge to 50), for CI
#   loadtest/run.sh --steady N    N mixed shoppers for --duration seconds (finding the knee)
#   loadtest/run.sh --orders N    N shoppers who only buy, for --duration seconds (orders per second)
#   loadtest/run.sh --journey N   N shoppers at once, each going from a category page to a paid order
#                                 without pausing, again and again, for --duration seconds
#
# Options: --duration S (steady/orders, default 180)  --users N (flash baseline)  --workers N (Locust
# worker processes, default 1)  --web-share F (share of browsing through the storefront when it
# runs, default 0.5)  --doorbuster-stock N  --results DIR  --start-stack (start ./run.sh in Release
# when the shop is not running, and stop it afterwards).
#
# The shop is found as ./run.sh starts it: COMMERCE_HOME [./.commerce] and the COMMERCE_*_PORT
# variables. Results: loadtest/results/<time>-<mode>/ (and loadtest/results/latest).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

mode=short profile=flash users='' duration=180 workers=1 web_share=0.5 stock='' results='' start_stack=false
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --full) mode=full ;;
    --smoke) mode=smoke ;;
    --steady) mode=steady profile=steady users=${2:?--steady needs a number of shoppers}; shift ;;
    --orders) mode=orders profile=orders users=${2:?--orders needs a number of shoppers}; shift ;;
    --journey) mode=journey profile=journey users=${2:?--journey needs a number of shoppers}; shift ;;
    --duration) duration=${2:?}; shift ;;
    --users) users=${2:?}; shift ;;
    --workers) workers=${2:?}; shift ;;
    --web-share) web_share=${2:?}; shift ;;
    --doorbuster-stock) stock=${2:?}; shift ;;
    --results) results=${2:?}; shift ;;
    --start-stack) start_stack=true ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "loadtest/run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

case "$mode" in
  short) users=${users:-20} phases=25,20,45,15,15 stock=${stock:-50} ;;
  full) users=${users:-30} phases=120,60,180,60,120 stock=${stock:-200} ;;
  smoke) users=${users:-5} phases=10,10,20,10,10 stock=${stock:-10} ;;
  *) phases=0,0,0,0,0 stock=${stock:-50} ;;
esac
say() { printf 'loadtest │ %s\n' "$*"; }

# Debian's packages; /usr/bin/python3 is the interpreter they install into.
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
if ! $py -c 'import locust, matplotlib, psutil, jwt, cryptography' 2>/dev/null; then
  bash "$repo/scripts/prerequisites.sh" --servers python3-locust python3-matplotlib python3-psutil python3-jwt python3-cryptography
fi

export COMMERCE_HOME=${COMMERCE_HOME:-$repo/.commerce}
catalog_port=${COMMERCE_CATALOG_PORT:-5101} cart_port=${COMMERCE_CART_PORT:-5102}
ordering_port=${COMMERCE_ORDERING_PORT:-5103} web_port=${COMMERCE_WEB_PORT:-5100}
healthy() { curl -fs -o /dev/null -m 3 "http://127.0.0.1:$1/health"; }
shop_up() { healthy "$catalog_port" && healthy "$cart_port" && healthy "$ordering_port"; }

stack_pid=''
cleanup() {
  [ -n "${monitor_pid:-}" ] && kill -TERM "$monitor_pid" 2>/dev/null || true
  if [ -n "$stack_pid" ]; then
    say "stopping the shop this run started"
    kill -TERM "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! shop_up; then
  if ! $start_stack; then
    say "the shop is not running (Catalog, Cart and Ordering on ports $catalog_port, $cart_port, $ordering_port)."
    say "start it in another terminal with: COMMERCE_CONFIGURATION=Release ./run.sh   (or pass --start-stack)"
    exit 2
  fi
  mkdir -p "$COMMERCE_HOME"
  say "starting the shop (./run.sh, Release; log $COMMERCE_HOME/loadtest-stack.log)"
  COMMERCE_CONFIGURATION=${COMMERCE_CONFIGURATION:-Release} setsid "$repo/run.sh" ${LT_STACK_ARGS:-} \
    > "$COMMERCE_HOME/loadtest-stack.log" 2>&1 < /dev/null &
  stack_pid=$!
  deadline=$((SECONDS + ${LT_STACK_TIMEOUT:-900}))
  until [ -f "$COMMERCE_HOME/run/ready" ] && shop_up; do
    kill -0 "$stack_pid" 2>/dev/null || { tail -n 20 "$COMMERCE_HOME/loadtest-stack.log" >&2; say "the shop did not start"; exit 2; }
    [ $SECONDS -lt $deadline ] || { say "the shop was not ready in time"; exit 2; }
    sleep 2
  done
fi

results=${results:-$here/results/$(date +%Y%m%d-%H%M%S)-$mode}
mkdir -p "$results"
results=$(cd "$results" && pwd)
ln -sfn "$results" "$here/results/latest" 2>/dev/null || true
say "results in $results"

cd "$here"
$py setup.py "$results" "$stock"

export LT_RESULTS="$results" LT_PROFILE=$profile LT_MODE=$mode LT_USERS=$users LT_PHASES=$phases \
  LT_DURATION=$duration LT_WEB_SHARE=$web_share LT_WORKERS=$workers
LT_LOAD_BEFORE=$($py -c 'import os, json; print(json.dumps([round(x, 2) for x in os.getloadavg()]))')
export LT_LOAD_BEFORE
say "load average before: $LT_LOAD_BEFORE on $(nproc) cores"

$py monitor.py "$results" catalog="$catalog_port" cart="$cart_port" ordering="$ordering_port" web="$web_port" \
  recommendations="${COMMERCE_RECOMMENDATIONS_PORT:-5104}" postgres="${COMMERCE_POSTGRES_PORT:-5110}" redis="${COMMERCE_REDIS_PORT:-5111}" rabbitmq="${COMMERCE_RABBITMQ_PORT:-5112}" &
monitor_pid=$!

IFS=, read -r p1 p2 p3 p4 p5 <<< "$phases"
planned=$(( ${p1%.*} + ${p2%.*} + ${p3%.*} + ${p4%.*} + ${p5%.*} ))
[ "$profile" = flash ] || planned=$((duration + ${LT_RAMP:-15}))
asked_peak=$users
[ "$profile" = flash ] && asked_peak=$($py -c "print(int(round($users * float('${LT_SURGE_FACTOR:-10}'))))")
export LT_PLANNED_S=$planned LT_ASKED_PEAK=$asked_peak
say "$mode: $profile profile, $users shoppers$([ "$profile" = flash ] && echo " surging to $((users * 10))"), about ${planned}s"

locust_args=(-f locustfile.py --headless --csv "$results/locust" --csv-full-history --html "$results/report.html"
  --loglevel WARNING --logfile "$results/locust.log" --exit-code-on-error 0 --only-summary)
# A safety net: the shape ends the run; a wedged run is stopped (Locust writes its results on TERM).
guard=(timeout -s TERM "$((planned + 120))")
set +e
if [ "$workers" -gt 1 ]; then
  port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  worker_pids=()
  for _ in $(seq "$workers"); do
    locust -f locustfile.py --worker --master-host 127.0.0.1 --master-port "$port" --loglevel WARNING \
      --logfile "$results/locust-worker.log" > /dev/null 2>&1 &
    worker_pids+=($!)
  done
  "${guard[@]}" locust "${locust_args[@]}" --master --master-bind-host 127.0.0.1 --master-bind-port "$port" --expect-workers "$workers" \
    > "$results/locust.out" 2>&1
  wait "${worker_pids[@]}"
else
  "${guard[@]}" locust "${locust_args[@]}" > "$results/locust.out" 2>&1
fi
locust_status=$?
set -e
ended_at=$($py -c 'import time; print(time.time())')
kill -TERM "$monitor_pid" 2>/dev/null || true
wait "$monitor_pid" 2>/dev/null || true
monitor_pid=''
[ $locust_status -eq 0 ] || { tail -n 30 "$results/locust.out" >&2; say "locust failed (exit $locust_status)"; exit 1; }

say "load done; waiting for every order to end and checking the invariants"
$py report.py "$results" "$ended_at"
