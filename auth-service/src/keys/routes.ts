// GET JWKS_PATH (/api/auth/jwks): the public keys, cacheable by verifiers for
// JWKS_MAX_AGE_SECONDS (Better Auth's jwt plugin is told this is its
// "remote" JWKS URL, so it serves none of its own).
import { Router } from "express";
import { JWKS_PATH } from "../auth/paths.js";
import type { SigningKeys } from "./signing-keys.js";

export function jwksRoutes(signingKeys: SigningKeys, maxAgeSeconds: number): Router {
  const router = Router();
  router.get(JWKS_PATH, async (_req, res) => {
    const jwks = await signingKeys.jwks();
    res.set("cache-control", `public, max-age=${maxAgeSeconds}`).type("application/jwk-set+json").send(JSON.stringify(jwks));
  });
  return router;
}
