#!/usr/bin/env bash
# Runs the whole shop on this machine without containers: PostgreSQL, Redis and RabbitMQ from the
# OS packages on loopback, then every Commerce service that exists in this checkout, wired with the
# configuration contract of ARCHITECTURE.md. Ctrl+C (or SIGTERM) stops everything.
#
#   ./run.sh            start (the first run installs, generates secrets and builds; later runs reuse)
#   ./run.sh --reset    wipe .commerce/ (data, logs, secrets) first
#   ./run.sh --no-build start what was built before
#
# Environment overrides (defaults in brackets):
#   COMMERCE_HOME [./.commerce]  COMMERCE_CONFIGURATION [Debug]  COMMERCE_HEALTH_TIMEOUT [240 s]
#   COMMERCE_WEB_PORT [5100] COMMERCE_CATALOG_PORT [5101] COMMERCE_CART_PORT [5102] COMMERCE_ORDERING_PORT [5103]
#   COMMERCE_POSTGRES_PORT [5110] COMMERCE_REDIS_PORT [5111] COMMERCE_RABBITMQ_PORT [5112]
#   COMMERCE_RABBITMQ_MANAGEMENT_PORT [5113] COMMERCE_RABBITMQ_DIST_PORT [5114] COMMERCE_EPMD_PORT [5115]
#   COMMERCE_ADMIN_EMAIL [admin@commerce.example.com] (read on the first run only)
set -euo pipefail
cd "$(dirname "$0")"
repo=$PWD

reset=false
build=true
for arg in "$@"; do
  case "$arg" in
    --reset) reset=true ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

home=$(realpath -m "${COMMERCE_HOME:-$repo/.commerce}")
config=${COMMERCE_CONFIGURATION:-Debug}
health_timeout=${COMMERCE_HEALTH_TIMEOUT:-240}

# Service name, project, port variable and default port, in start-up order (the storefront last).
service_names=(catalog cart ordering web)
declare -A project=([catalog]=Commerce.Catalog [cart]=Commerce.Cart [ordering]=Commerce.Ordering [web]=Commerce.Web)
declare -A port=(
  [catalog]=${COMMERCE_CATALOG_PORT:-5101} [cart]=${COMMERCE_CART_PORT:-5102}
  [ordering]=${COMMERCE_ORDERING_PORT:-5103} [web]=${COMMERCE_WEB_PORT:-5100})
declare -A port_var=([catalog]=COMMERCE_CATALOG_PORT [cart]=COMMERCE_CART_PORT [ordering]=COMMERCE_ORDERING_PORT [web]=COMMERCE_WEB_PORT)
pg_port=${COMMERCE_POSTGRES_PORT:-5110}
redis_port=${COMMERCE_REDIS_PORT:-5111}
amqp_port=${COMMERCE_RABBITMQ_PORT:-5112}
mgmt_port=${COMMERCE_RABBITMQ_MANAGEMENT_PORT:-5113}
dist_port=${COMMERCE_RABBITMQ_DIST_PORT:-5114}
epmd_port=${COMMERCE_EPMD_PORT:-5115}

if [ -t 1 ]; then
  bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
  declare -A color=([catalog]=$'\e[36m' [cart]=$'\e[33m' [ordering]=$'\e[35m' [web]=$'\e[32m')
else
  bold='' dim='' off=''
  declare -A color=([catalog]='' [cart]='' [ordering]='' [web]='')
fi
say() { printf '%s%-9s│%s %s\n' "$bold" run "$off" "$*"; }
fail() { say "ERROR: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
# Every process this runner starts carries COMMERCE_RUN_HOME in its environment (run.sh itself
# does not), so whatever a run leaves behind can be found, by the next run or by a test.
marked_pids() {
  grep -lzxF "COMMERCE_RUN_HOME=$home" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}
# Waits for the pids to exit, then kills what is left.
stop_pids() {
  local timeout=$1 pid deadline=$((SECONDS + $1)) alive
  shift
  while :; do
    alive=()
    for pid in "$@"; do running "$pid" && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    [ $SECONDS -ge $deadline ] && break
    sleep 0.2
  done
  say "still running after ${timeout}s, killing: ${alive[*]}"
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

# One run per data folder. The lock's descriptor is closed in every child (9>&-), so a crashed
# run's leftovers never hold it.
mkdir -p "$home"
exec 9>"$home/run.lock"
flock -n 9 || fail "another ./run.sh is running on $home; stop it first (Ctrl+C in its terminal)."
mkdir -p "$home/run"
rm -f "$home/run/ready"

# Redis and PostgreSQL's workers rewrite their process titles over their environment, so they
# are also found by their pid files.
leftovers=$(marked_pids)
redis_pidfile=$home/redis/redis.pid
if [ -s "$redis_pidfile" ] && grep -q '^redis-server' "/proc/$(<"$redis_pidfile")/cmdline" 2>/dev/null; then
  leftovers="$leftovers $(<"$redis_pidfile")"
fi
pg_bin=/usr/lib/postgresql/15/bin
pg_data=$home/postgres/data
if [ -f "$pg_data/postmaster.pid" ] && as_pg "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1 9>&-; then
  say "stopping the PostgreSQL an earlier run left behind"
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" stop -m fast -w -t 60 >/dev/null 9>&- || true
fi
if [ -n "${leftovers// /}" ]; then
  say "stopping what an earlier run left behind: $(echo $leftovers)"
  # shellcheck disable=SC2086
  kill -TERM $leftovers 2>/dev/null || true
  # shellcheck disable=SC2086
  stop_pids 30 $leftovers
fi

if $reset; then
  say "--reset: wiping $home"
  find "$home" -mindepth 1 -maxdepth 1 ! -name run.lock -exec rm -rf {} +
fi
mkdir -p "$home/run"

bash scripts/prerequisites.sh --servers openssl curl

# Ports: fixed, so addresses stay the same between runs; none is a Debian default.
check_port() {
  if listening "$1"; then
    fail "port $1 is already in use (set $2 to another port, or stop what listens there)."
  fi
}
check_port "$pg_port" COMMERCE_POSTGRES_PORT
check_port "$redis_port" COMMERCE_REDIS_PORT
check_port "$amqp_port" COMMERCE_RABBITMQ_PORT
check_port "$mgmt_port" COMMERCE_RABBITMQ_MANAGEMENT_PORT
check_port "$dist_port" COMMERCE_RABBITMQ_DIST_PORT
check_port "$epmd_port" COMMERCE_EPMD_PORT
for name in "${service_names[@]}"; do check_port "${port[$name]}" "${port_var[$name]}"; done

# Folders: the postgres user must be able to reach its data under $home.
logs=$home/logs secrets=$home/secrets
mkdir -p "$logs" "$secrets" "$home/postgres" "$home/redis" "$home/rabbitmq"
chmod 755 "$home" "$logs"
chmod 700 "$secrets" "$home/redis" "$home/rabbitmq"

# Secrets, made once and kept: the token key pair, the first admin and the servers' passwords.
random_alnum() {
  local s
  s=$(openssl rand -base64 96 | LC_ALL=C tr -dc 'A-Za-z0-9')
  printf '%s' "${s:0:$1}"
}
umask_before=$(umask)
umask 077
if [ ! -s "$secrets/auth-signing-key.pem" ] || [ ! -s "$secrets/auth-public-key.pem" ]; then
  say "generating the token key pair (RSA 2048) in $secrets"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$secrets/auth-signing-key.pem" 2>/dev/null
  openssl pkey -in "$secrets/auth-signing-key.pem" -pubout -out "$secrets/auth-public-key.pem"
fi
if [ ! -s "$secrets/admin.env" ]; then
  # Hyphens and mixed case and digits satisfy the usual password rules (ASP.NET Core Identity's defaults).
  while :; do
    admin_password="$(random_alnum 6)-$(random_alnum 6)-$(random_alnum 6)"
    [[ $admin_password =~ [A-Z] && $admin_password =~ [a-z] && $admin_password =~ [0-9] ]] && break
  done
  printf 'Admin__Email=%s\nAdmin__Password=%s\n' "${COMMERCE_ADMIN_EMAIL:-admin@commerce.example.com}" "$admin_password" > "$secrets/admin.env"
  say "generated the first admin's credentials in $secrets/admin.env"
fi
[ -s "$secrets/postgres-password" ] || random_alnum 32 > "$secrets/postgres-password"
[ -s "$secrets/redis-password" ] || random_alnum 32 > "$secrets/redis-password"
[ -s "$secrets/rabbitmq-password" ] || random_alnum 32 > "$secrets/rabbitmq-password"
chmod 600 "$secrets"/*
umask "$umask_before"

signing_key=$(<"$secrets/auth-signing-key.pem")
public_key=$(<"$secrets/auth-public-key.pem")
admin_email=$(sed -n 's/^Admin__Email=//p' "$secrets/admin.env")
admin_password=$(sed -n 's/^Admin__Password=//p' "$secrets/admin.env")
pg_password=$(<"$secrets/postgres-password")
redis_password=$(<"$secrets/redis-password")
rabbit_password=$(<"$secrets/rabbitmq-password")

# From here on, whatever has started is stopped on the way out, however the script ends.
declare -A service_pid=()
redis_pid='' rabbit_pid='' pg_started=false stopping=false
rabbit_node=commerce@localhost
rabbit_env=(
  HOME="$home/rabbitmq"
  RABBITMQ_MNESIA_BASE="$home/rabbitmq/mnesia"
  RABBITMQ_LOG_BASE="$logs/rabbitmq"
  RABBITMQ_NODENAME="$rabbit_node"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$amqp_port"
  RABBITMQ_DIST_PORT="$dist_port"
  RABBITMQ_PID_FILE="$home/rabbitmq/rabbit.pid"
  RABBITMQ_ENABLED_PLUGINS_FILE="$home/rabbitmq/enabled_plugins"
  RABBITMQ_CONFIG_FILE="$home/rabbitmq/rabbitmq"
  # Its own epmd on its own port, so nothing is shared with other nodes on the machine.
  ERL_EPMD_PORT="$epmd_port"
  ERL_EPMD_ADDRESS=127.0.0.1
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
)

stop_all() {
  $stopping && return 0
  stopping=true
  set +e
  trap '' INT TERM
  rm -f "$home/run/ready"
  say "stopping…"
  local name pids=()
  for name in "${!service_pid[@]}"; do pids+=("${service_pid[$name]}"); done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null
    stop_pids 30 "${pids[@]}"
  fi
  if [ -n "$rabbit_pid" ]; then
    # The wrapper script turns SIGTERM into a clean broker shutdown.
    kill -TERM "$rabbit_pid" 2>/dev/null
    stop_pids 60 "$rabbit_pid"
  fi
  if [ -n "$redis_pid" ]; then
    kill -TERM "$redis_pid" 2>/dev/null
    stop_pids 30 "$redis_pid"
  fi
  if $pg_started; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" stop -m fast -w -t 60 >/dev/null 2>&1 9>&-
  fi
  # The broker's epmd detaches and outlives it; anything else carrying our mark is a leak.
  local rest
  rest=$(marked_pids)
  if [ -n "$rest" ]; then
    # shellcheck disable=SC2086
    kill -TERM $rest 2>/dev/null
    # shellcheck disable=SC2086
    stop_pids 10 $rest
  fi
  say "stopped; data kept in $home (./run.sh --reset wipes it)"
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

# PostgreSQL 15: data in $home/postgres, TCP on loopback only, no Unix socket.
if is_root; then chown -R postgres "$home/postgres"; fi
if [ ! -s "$pg_data/PG_VERSION" ]; then
  say "creating the PostgreSQL cluster in $pg_data"
  pwfile=$home/postgres/initdb-password
  install -m 600 /dev/null "$pwfile"
  printf '%s\n' "$pg_password" > "$pwfile"
  if is_root; then chown postgres "$pwfile"; fi
  as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --pwfile "$pwfile" --auth-host=scram-sha-256 \
    --auth-local=peer -E UTF8 --locale=C.UTF-8 > "$logs/postgres-initdb.log" 2>&1 9>&- \
    || { rm -f "$pwfile"; fail "initdb failed: see $logs/postgres-initdb.log"; }
  rm -f "$pwfile"
fi
touch "$logs/postgres.log"
if is_root; then chown postgres "$logs/postgres.log"; fi
say "starting PostgreSQL on 127.0.0.1:$pg_port"
pg_started=true
COMMERCE_RUN_HOME=$home as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$logs/postgres.log" -w -t 90 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null 9>&- \
  || fail "PostgreSQL did not start: see $logs/postgres.log"

# Redis with the append-only file, so carts survive a restart. The password stays out of `ps`.
install -m 600 /dev/null "$home/redis/redis.conf"
cat > "$home/redis/redis.conf" <<EOF
port $redis_port
bind 127.0.0.1
protected-mode yes
dir "$home/redis"
appendonly yes
appendfsync everysec
save ""
daemonize no
logfile "$logs/redis.log"
pidfile "$redis_pidfile"
requirepass $redis_password
EOF
say "starting Redis on 127.0.0.1:$redis_port"
COMMERCE_RUN_HOME=$home setsid redis-server "$home/redis/redis.conf" </dev/null >/dev/null 2>&1 9>&- &
redis_pid=$!

# RabbitMQ with the management plugin; the user and password apply when the node is first made.
cat > "$home/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$amqp_port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt_port
default_user = commerce
default_pass = $rabbit_password
default_vhost = /
log.console = false
log.file.level = info
EOF
chmod 600 "$home/rabbitmq/rabbitmq.conf"
echo '[rabbitmq_management].' > "$home/rabbitmq/enabled_plugins"
say "starting RabbitMQ on 127.0.0.1:$amqp_port (management on $mgmt_port)"
env "${rabbit_env[@]}" COMMERCE_RUN_HOME="$home" setsid /usr/lib/rabbitmq/bin/rabbitmq-server \
  </dev/null >"$logs/rabbitmq-server.out" 2>&1 9>&- &
rabbit_pid=$!

# Build the services that exist while the servers start.
present=()
for name in "${service_names[@]}"; do
  if [ -f "${project[$name]}/${project[$name]}.csproj" ]; then
    present+=("$name")
  else
    say "${project[$name]} is not in this checkout yet: skipping $name"
  fi
done

dll() { echo "${project[$1]}/bin/$config/net10.0/${project[$1]}.dll"; }
if [ ${#present[@]} -gt 0 ] && $build; then
  say "building ${present[*]} ($config; the first build takes a minute or two)…"
  # One build for all (a solution filter) is much quicker than one per project. Build servers are
  # off so that no compiler process outlives the run.
  in_sln=() outside=()
  for name in "${present[@]}"; do
    if grep -q "${project[$name]}.csproj" Commerce.sln; then in_sln+=("$name"); else outside+=("$name"); fi
  done
  build_log=$logs/build.log build_started=$SECONDS
  : > "$build_log"
  build_one() {
    dotnet build "$1" -c "$config" --disable-build-servers -nologo -v q -clp:ErrorsOnly >> "$build_log" 2>&1 9>&- \
      || { tail -n 40 "$build_log" >&2; fail "the build failed: see $build_log"; }
  }
  if [ ${#in_sln[@]} -gt 0 ]; then
    {
      printf '{ "solution": { "path": "%s", "projects": [' "$repo/Commerce.sln"
      sep=''
      for name in "${in_sln[@]}"; do printf '%s "%s/%s.csproj"' "$sep" "${project[$name]}" "${project[$name]}"; sep=','; done
      printf ' ] } }\n'
    } > "$home/run/services.slnf"
    build_one "$home/run/services.slnf"
  fi
  for name in "${outside[@]}"; do build_one "${project[$name]}/${project[$name]}.csproj"; done
  say "built in $((SECONDS - build_started))s"
fi
for name in "${present[@]}"; do
  [ -f "$(dll "$name")" ] || fail "$(dll "$name") is missing: run without --no-build (or COMMERCE_CONFIGURATION=$config is not what was built)."
done

# Wait for the servers.
deadline=$((SECONDS + 60))
until listening "$redis_port"; do
  running "$redis_pid" || fail "Redis exited: see $logs/redis.log"
  [ $SECONDS -lt $deadline ] || fail "Redis did not listen on $redis_port within 60s: see $logs/redis.log"
  sleep 0.2
done
say "Redis is ready"
# The CLI may start the node's epmd itself, so it carries the mark too.
env "${rabbit_env[@]}" COMMERCE_RUN_HOME="$home" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$rabbit_node" wait --timeout 120 "$home/rabbitmq/rabbit.pid" \
  >"$logs/rabbitmq-wait.log" 2>&1 9>&- \
  || fail "RabbitMQ did not start: see $logs/rabbitmq-wait.log and $logs/rabbitmq/"
deadline=$((SECONDS + 60))
until listening "$mgmt_port"; do
  [ $SECONDS -lt $deadline ] || fail "the RabbitMQ management plugin did not listen on $mgmt_port: see $logs/rabbitmq/"
  sleep 0.3
done
say "RabbitMQ is ready"

# The configuration contract (ARCHITECTURE.md), the same one Aspire gives the services.
npgsql() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$pg_password;Database=$1"; }
contract=(
  ASPNETCORE_ENVIRONMENT=Development
  "ConnectionStrings__catalogdb=$(npgsql catalogdb)"
  "ConnectionStrings__orderingdb=$(npgsql orderingdb)"
  "ConnectionStrings__identitydb=$(npgsql identitydb)"
  "ConnectionStrings__cache=127.0.0.1:$redis_port,password=$redis_password"
  "ConnectionStrings__messaging=amqp://commerce:$rabbit_password@127.0.0.1:$amqp_port"
  "Auth__PublicKey=$public_key"
)
# Every address is passed, also of a service not in this checkout: a call to it fails like an
# outage would, instead of the caller refusing to start.
for name in catalog cart ordering; do
  contract+=("services__${name}__http__0=http://127.0.0.1:${port[$name]}")
done

for name in "${present[@]}"; do
  vars=("${contract[@]}" "OTEL_SERVICE_NAME=$name")
  if [ "$name" = web ]; then
    vars+=("Auth__SigningKey=$signing_key" "Admin__Email=$admin_email" "Admin__Password=$admin_password")
  fi
  log=$logs/$name.log
  [ -f "$log" ] && mv -f "$log" "$log.1"
  prefix=$(printf '%s%-9s│%s ' "${color[$name]}" "$name" "$off")
  (
    cd "${project[$name]}"
    # The service runs in its own session, so Ctrl+C reaches only this script, which then stops
    # everything in order; its output goes to its log and, prefixed, to the terminal.
    exec env "${vars[@]}" COMMERCE_RUN_HOME="$home" setsid dotnet "bin/$config/net10.0/${project[$name]}.dll" \
      --urls "http://127.0.0.1:${port[$name]}" </dev/null 9>&- \
      > >(trap '' INT TERM; exec env COMMERCE_RUN_HOME="$home" bash -c 'tee "$1" | sed -u "s|^|$2|"' _ "$log" "$prefix") 2>&1
  ) &
  service_pid[$name]=$!
  say "started $name (pid ${service_pid[$name]}) on http://127.0.0.1:${port[$name]}, log $log"
done

for name in "${present[@]}"; do
  started=$SECONDS next_note=$((SECONDS + 5)) status=''
  while :; do
    status=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:${port[$name]}/health" 9>&-) || true
    [ "$status" = 200 ] && break
    running "${service_pid[$name]}" || fail "$name exited during start-up: see $logs/$name.log"
    [ $((SECONDS - started)) -lt "$health_timeout" ] \
      || fail "$name was not healthy after ${health_timeout}s (last /health answer: ${status:-none}): see $logs/$name.log"
    if [ $SECONDS -ge $next_note ]; then
      say "waiting for $name /health… $((SECONDS - started))s (last answer: ${status/000/no answer})"
      next_note=$((SECONDS + 5))
    fi
    sleep 0.5
  done
  say "$name is healthy ($((SECONDS - started))s)"
done

{
  echo
  say "${bold}Commerce is running${off} (ready in ${SECONDS}s). Ctrl+C stops everything."
  if [ -n "${service_pid[web]:-}" ]; then
    say "  storefront          ${bold}http://127.0.0.1:${port[web]}${off}"
  else
    say "  storefront          not in this checkout yet (Commerce.Web)"
  fi
  for name in catalog cart ordering; do
    if [ -n "${service_pid[$name]:-}" ]; then
      # Only what the service really serves is shown.
      docs=''
      for path in /swagger /openapi/v1.json; do
        if curl -fs -o /dev/null -m 5 "http://127.0.0.1:${port[$name]}$path/" 9>&- \
          || curl -fs -o /dev/null -m 5 "http://127.0.0.1:${port[$name]}$path" 9>&-; then
          docs="$docs  http://127.0.0.1:${port[$name]}$path"
        fi
      done
      say "  $(printf '%-19s' "$name API") http://127.0.0.1:${port[$name]}${docs:-  (serves no OpenAPI document yet)}"
    fi
  done
  say "  RabbitMQ management http://127.0.0.1:$mgmt_port  (user commerce, password in $secrets/rabbitmq-password)"
  say "  PostgreSQL          127.0.0.1:$pg_port (user postgres, password in $secrets/postgres-password)"
  say "  Redis               127.0.0.1:$redis_port (password in $secrets/redis-password)"
  say "  admin sign-in       $admin_email / $admin_password"
  say "  logs                $logs/"
  echo
}
printf 'storefront=http://127.0.0.1:%s\n' "${port[web]}" > "$home/run/ready"

# Stay up until a signal (handled by the trap) or until a process we depend on ends.
watched=("$redis_pid" "$rabbit_pid")
for name in "${present[@]}"; do watched+=("${service_pid[$name]}"); done
ended=''
wait -n -p ended "${watched[@]}" || true
for name in "${present[@]}"; do
  [ "$ended" = "${service_pid[$name]}" ] && fail "$name exited: see $logs/$name.log; stopping the rest"
done
[ "$ended" = "$redis_pid" ] && fail "Redis exited: see $logs/redis.log; stopping the rest"
[ "$ended" = "$rabbit_pid" ] && fail "RabbitMQ exited: see $logs/rabbitmq/; stopping the rest"
fail "a process ended unexpectedly; stopping the rest"
