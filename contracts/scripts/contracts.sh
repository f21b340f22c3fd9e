#!/usr/bin/env bash
# The whole contract run, as CI runs it:
#   1. the consumer tests regenerate every pact file (into a fresh folder);
#   2. drift: the regenerated files must equal the committed contracts/pacts/
#      (--update copies them there instead, for review and commit);
#   3. every provider is verified against the committed files, on the real
#      services and real PostgreSQL;
#   4. the contracts must bite: each mutation in scripts/mutations.sh must
#      make a provider verification fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export PACT_DO_NOT_TRACK=true
jest() { node --experimental-vm-modules ../node_modules/jest/bin/jest.js "$@"; }

echo "== contracts: consumer tests"
# Regenerated into a fresh folder (Pact merges into existing files, which would
# keep an interaction a consumer no longer has), so a failing run leaves pacts/ alone.
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
PACT_DIR="$generated" jest consumer/

if [ "${1:-}" = "--update" ]; then
  rm -f pacts/*.json
  cp "$generated"/*.json pacts/
  echo "pacts/ updated from the consumer tests: review and commit them."
  exit 0
fi

echo "== contracts: drift check against the committed pact files"
if ! diff -r -q "$generated" pacts >/dev/null || ! git diff --quiet HEAD -- pacts || [ -n "$(git ls-files --others --exclude-standard -- pacts)" ]; then
  diff -r -u pacts "$generated" | head -60 >&2 || true
  echo "The pact files the consumers produce differ from the committed contracts/pacts/: run 'bash contracts/scripts/contracts.sh --update', review, and commit." >&2
  exit 1
fi

echo "== contracts: provider verification"
jest provider/

echo "== contracts: mutation checks"
bash scripts/mutations.sh
