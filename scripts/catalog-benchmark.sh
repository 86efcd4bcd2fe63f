#!/usr/bin/env bash
# Runs the Catalog benchmark against a throwaway PostgreSQL 15 and Redis on free loopback ports,
# removed afterwards. Extra arguments go to the benchmark, e.g. --products 100000 --iterations 1000.
# To use servers that already run instead:
#   dotnet run -c Release --project Commerce.Catalog.Benchmarks -- --postgres "Host=…;Database=catalog_bench" --redis 127.0.0.1:6379
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/catalog-bench.XXXXXX)
chmod 755 "$work"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port); redis_port=$(free_port); password=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
as_pg=(); if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$work"; fi
bin=/usr/lib/postgresql/15/bin

cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "$password" > "$work/pw"
"${as_pg[@]}" "$bin/initdb" -D "$work/pg" -U postgres --pwfile "$work/pw" --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off" start >/dev/null
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"

dotnet run -c Release --project Commerce.Catalog.Benchmarks -- \
  --postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=$password;Database=catalog_bench" \
  --redis "127.0.0.1:$redis_port" "$@"
