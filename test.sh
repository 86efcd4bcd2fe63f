#!/usr/bin/env bash
# Runs every test: installs what the tests need, builds, and runs the suite against throwaway
# PostgreSQL, Redis and RabbitMQ servers that the tests start and remove themselves.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Commerce.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

# The two test projects one after the other: each starts servers and services of its own, and
# together on two cores they would only time each other out.
log=$(mktemp)
status=0
set +e
for project in Commerce.Tests Commerce.AppHost.Tests; do
  dotnet test "$project" -c Release --no-build --nologo --blame-hang-timeout 10m \
    --results-directory "${TEST_RESULTS:-TestResults}" --logger "trx;LogFilePrefix=$project" "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
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
