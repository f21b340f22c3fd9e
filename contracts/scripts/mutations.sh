#!/usr/bin/env bash
# Proves the contracts bite: each mutation below is applied to the real source,
# the provider verification that should catch it is run and must FAIL, and the
# source is restored (also if this script is interrupted).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(cd .. && pwd)
export PACT_DO_NOT_TRACK=true
backup=$(mktemp -d)
restore() {
  if [ -n "${current:-}" ]; then
    cp "$backup/file" "$root/$current" && cmp -s "$backup/file" "$root/$current" || { echo "COULD NOT RESTORE $current" >&2; exit 3; }
  fi
  current=""
}
# On Ctrl-C or a CI timeout: restore and stop (never go on to the next mutation).
trap 'restore; rm -rf "$backup"' EXIT
trap 'exit 130' INT TERM

failures=0
mutate() {
  local name=$1 file=$2 from=$3 to=$4 suite=$5
  cp "$root/$file" "$backup/file" || { echo "could not back up $file; stopping" >&2; exit 3; }
  current=$file
  if ! grep -qF -- "$from" "$root/$file"; then
    echo "MUTATION NOT APPLIED ($name): '$from' is not in $file" >&2
    failures=$((failures + 1)); restore; return
  fi
  python3 - "$root/$file" "$from" "$to" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
open(path, "w").write(text.replace(old, new, 1))
PY
  local output
  output=$(node --experimental-vm-modules ../node_modules/jest/bin/jest.js "$suite" 2>&1)
  # Caught means the verification itself reported pact failures, not that
  # something else broke (a crash would prove nothing about the contract).
  if [ $? -ne 0 ] && grep -qE "There (were|was) [0-9]+ pact failure" <<<"$output"; then
    echo "caught: $name ($(grep -oE "There (were|was) [0-9]+ pact failures?" <<<"$output" | head -1))"
  else
    echo "NOT CAUGHT: $name (the $suite verification did not report a pact failure)" >&2
    failures=$((failures + 1))
  fi
  restore
}

mutate "a claim renamed in the auth-service (name -> full_name)" \
  auth-service/src/auth/claims.ts "    name: user.name," "    full_name: user.name," provider/auth-service
mutate "the role claim dropped from the access token" \
  auth-service/src/auth/claims.ts "    role: tokenRole(user.role)," "" provider/auth-service
mutate "the moderation route's role requirement dropped" \
  resource-service/src/moderation/routes.ts "      roles: MODERATOR_ROLES," "" provider/resource-service
mutate "the access token's type dropped (no typ: at+jwt)" \
  auth-service/src/keys/signing-keys.ts ", typ: ACCESS_TOKEN_TYPE }" " }" provider/auth-service
mutate "the signing algorithm switched (EdDSA -> ES256)" \
  auth-service/src/config.ts '.default("EdDSA")' '.default("ES256")' provider/auth-service
mutate "a problem code changed in the resource-service (not_owner -> forbidden)" \
  resource-service/src/posts/policy.ts '"not_owner"' '"forbidden"' provider/resource-service
mutate "the WWW-Authenticate header dropped" \
  verifier/src/core/response.ts '{ "WWW-Authenticate": challenge }' '{}' provider/resource-service
mutate "404 answered where the contract says 403" \
  resource-service/src/posts/policy.ts '  throw new HttpProblem(403, "not_owner", "Only the author of this post may change or delete it.");' '  throw notFound();' provider/resource-service
mutate "email_verified no longer follows the verification (always false)" \
  auth-service/src/auth/claims.ts "    email_verified: user.emailVerified," "    email_verified: false," provider/auth-service
mutate "an unverified caller's write let through (email_unverified never answered)" \
  resource-service/src/http/verified-email.ts "caller(req).emailVerified" "(caller(req).emailVerified || true)" provider/resource-service

if [ "$failures" -gt 0 ]; then
  echo "$failures mutation(s) were not caught by the contracts." >&2
  exit 1
fi
echo "every mutation was caught"
