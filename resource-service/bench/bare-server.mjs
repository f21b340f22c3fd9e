// The bare Express baseline of the resource-service benchmark: one route that
// answers a small JSON, and the same route behind requireAuth. Uses the
// compiled verifier (npm run build), as production does.
import express from "express";
import { createVerifier } from "@authbridge/verifier";
import { requireAuth } from "@authbridge/verifier/express";

const verifier = createVerifier({
  issuer: process.env.AUTH_ISSUER,
  audience: process.env.AUTH_AUDIENCE,
  cacheSize: Number(process.env.AUTH_TOKEN_CACHE_SIZE ?? 10_000),
});
const app = express();
app.disable("x-powered-by");
app.get("/bare", (_req, res) => res.json({ ok: true }));
app.get("/bare-auth", requireAuth(verifier), (req, res) => res.json({ ok: true, sub: req.auth.sub }));
app.use((error, _req, res, _next) => res.status(error.status ?? 500).json({ code: error.code ?? "internal_error" }));
const server = app.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.({ type: "ready" }));
process.once("SIGTERM", () => server.close(() => process.exit(0)));
