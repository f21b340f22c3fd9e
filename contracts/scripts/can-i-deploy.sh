#!/usr/bin/env bash
# Broker-less "can I deploy": verifies a provider, as it is in this checkout
# (the candidate), against the pacts its consumers have in the version that is
# deployed (a git ref, e.g. a release tag).
#
#   bash contracts/scripts/can-i-deploy.sh auth-service v1.4.0
#   bash contracts/scripts/can-i-deploy.sh resource-service origin/production
#
# Exit 0: the candidate honours every contract of the deployed consumers.
set -euo pipefail
provider=${1:?usage: can-i-deploy.sh <auth-service|resource-service> <deployed git ref>}
ref=${2:?usage: can-i-deploy.sh <auth-service|resource-service> <deployed git ref>}
cd "$(dirname "$0")/.."
case "$provider" in auth-service | resource-service) ;; *) echo "Unknown provider $provider: use auth-service or resource-service." >&2; exit 2 ;; esac

pacts=$(mktemp -d)
trap 'rm -rf "$pacts"' EXIT
files=$(git ls-tree --name-only "$ref" -- pacts/ | grep '\.json$' || true)
if [ -z "$files" ]; then
  echo "$ref has no pact files under contracts/pacts/: nothing to verify against." >&2
  exit 1
fi
for file in $files; do git show "$ref:contracts/$file" > "$pacts/$(basename "$file")"; done
echo "Verifying the $provider in this checkout against the pacts of $ref: $(ls "$pacts" | tr '\n' ' ')"
PACT_DO_NOT_TRACK=true PACT_DIR="$pacts" node --experimental-vm-modules ../node_modules/jest/bin/jest.js "provider/$provider"
