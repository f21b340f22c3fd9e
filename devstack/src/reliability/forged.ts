// Tokens with a `kid` the issuer never published: well-formed, with the right
// issuer and audience, signed with a key of their own (Ed25519, node:crypto),
// as an attacker (or a confused client) would send them.
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

const { privateKey } = generateKeyPairSync("ed25519");
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A token for `issuer` and `audience` whose kid is random (or `kid`). */
export function unknownKidToken(issuer: string, audience: string, kid = randomBytes(16).toString("base64url")): string {
  const iat = Math.floor(Date.now() / 1000);
  const header = encode({ alg: "EdDSA", kid, typ: "at+jwt" });
  const payload = encode({ sub: `intruder-${randomBytes(8).toString("hex")}`, email: "intruder@example.com", email_verified: false, name: "Intruder", sid: randomBytes(16).toString("base64url"), iat, exp: iat + 900, iss: issuer, aud: audience });
  const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString("base64url");
  return `${header}.${payload}.${signature}`;
}
