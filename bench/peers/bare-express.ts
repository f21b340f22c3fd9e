// The /healthz peer of `npm run bench:compare`: a bare Express 5 app answering the same JSON,
// with Express's defaults and nothing else (no logs, no security headers, no CORS).
import express from "express";
import "./exit-on-sigterm.js";

const app = express();
app.get("/healthz", (_req, res) => {
  res.set("cache-control", "no-store").json({ status: "ok" });
});
app.listen(Number(process.env.PORT), "127.0.0.1");
