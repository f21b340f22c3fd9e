// An OpenID-style discovery document, so a verifier needs only the issuer URL:
// it reads jwks_uri and the allowed algorithms from here.
import { Router } from "express";
import type { AuthServiceConfig } from "./config.js";
import { JWKS_PATH } from "./auth/paths.js";

export interface DiscoveryDocument {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
  subject_types_supported: string[];
  claims_supported: string[];
}

export const DISCOVERY_PATH = "/.well-known/openid-configuration";

export function discoveryDocument(config: AuthServiceConfig, claims: readonly string[]): DiscoveryDocument {
  return {
    issuer: config.jwt.issuer,
    jwks_uri: `${config.baseUrl}${JWKS_PATH}`,
    id_token_signing_alg_values_supported: [config.jwt.algorithm],
    subject_types_supported: ["public"],
    claims_supported: [...claims],
  };
}

export function discoveryRoutes(config: AuthServiceConfig, claims: readonly string[]): Router {
  const body = JSON.stringify(discoveryDocument(config, claims));
  const router = Router();
  router.get(DISCOVERY_PATH, (_req, res) => {
    res.set("cache-control", `public, max-age=${config.jwksMaxAgeSeconds}`).type("application/json").send(body);
  });
  return router;
}
