#!/usr/bin/env bash
# The whole contract run, as CI runs it:
#   1. the consumer tests regenerate every pact file into contracts/pacts/
#      (the folder is emptied first: Pact merges into existing files, which
#      would keep an interaction a consumer no longer has);
#   2. drift: the regenerated files must equal the committed ones;
#   3. every provider is verified against the committed files, on the real
#      services and real PostgreSQL;
#   4. the contracts must bite: each mutation in scripts/mutations.sh must
#      make a provider verification fail.
set -euo pipefail
cd "$(dirname "$0")/.."
export PACT_DO_NOT_TRACK=true
jest() { node --experimental-vm-modules ../node_modules/jest/bin/jest.js "$@"; }

echo "== contracts: consumer tests (writing pacts/)"
find pacts -name '*.json' -delete
jest consumer/

echo "== contracts: drift check against the committed pact files"
if ! git diff --exit-code --stat -- pacts || [ -n "$(git ls-files --others --exclude-standard -- pacts)" ]; then
  echo "The pact files differ from the committed ones (above): review the change and commit contracts/pacts/." >&2
  git ls-files --others --exclude-standard -- pacts >&2
  exit 1
fi

echo "== contracts: provider verification"
jest provider/

echo "== contracts: mutation checks"
bash scripts/mutations.sh
