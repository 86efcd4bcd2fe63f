#!/usr/bin/env bash
# azd postdeploy hook (azure.yaml): gives each container app the replica range and HTTP scale rule
# of Commerce.AppHost/infra/scale.json. azd creates the apps from the Aspire manifest with one
# replica minimum and no rule; this completes them after every deploy.
#
# Needs the Azure CLI (az) signed in, and AZURE_RESOURCE_GROUP (azd sets it for its hooks).
# AZ overrides the command (Commerce.AppHost.Tests runs it with AZ=echo to check the commands).
set -euo pipefail
cd "$(dirname "$0")/.."
az=${AZ:-az}
group=${AZURE_RESOURCE_GROUP:?AZURE_RESOURCE_GROUP is not set: run it as the azd postdeploy hook}

# One line per app: name, min, max, HTTP concurrency ("-" for none).
entries=$(python3 -c '
import json, sys
for name, s in json.load(open(sys.argv[1])).items():
    if not name.startswith("$"):
        print(name, s["minReplicas"], s["maxReplicas"], s.get("httpConcurrentRequests", "-"))
' Commerce.AppHost/infra/scale.json)

while read -r name min max concurrent; do
  # Opt-in resources (search) exist only when the graph was published with them.
  if ! "$az" containerapp show --name "$name" --resource-group "$group" --query name --output tsv >/dev/null 2>&1; then
    echo "azd-apply-scale: no container app '$name' in $group, skipped"
    continue
  fi
  args=(containerapp update --name "$name" --resource-group "$group" --min-replicas "$min" --max-replicas "$max")
  if [ "$concurrent" != - ]; then
    args+=(--scale-rule-name http-concurrency --scale-rule-type http --scale-rule-http-concurrency "$concurrent")
  fi
  "$az" "${args[@]}" --output none
  rule=''
  [ "$concurrent" != - ] && rule=", HTTP rule at $concurrent concurrent requests per replica"
  echo "azd-apply-scale: $name: $min to $max replicas$rule"
done <<< "$entries"
