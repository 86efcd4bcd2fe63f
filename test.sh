#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds, and runs the suite against throwaway
# PostgreSQL, Redis and RabbitMQ servers that the tests start and remove themselves.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Commerce.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

log=$(mktemp)
set +e
dotnet test Commerce.sln -c Release --no-build --nologo --blame-hang-timeout 10m \
  --results-directory "${TEST_RESULTS:-TestResults}" --logger "trx;LogFilePrefix=commerce" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line: "N passed, N failed, N skipped".
python3 - "$log" <<'PY'
import re, sys
p = f = s = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"Failed:\s*(\d+), Passed:\s*(\d+), Skipped:\s*(\d+)", line)
    if m:
        f += int(m.group(1)); p += int(m.group(2)); s += int(m.group(3))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
rm -f "$log"
exit "$status"
