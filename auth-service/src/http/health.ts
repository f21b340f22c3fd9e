// Liveness and readiness. /healthz answers as long as the process can serve;
// /readyz also needs the database, so a load balancer stops routing here while
// PostgreSQL is unreachable (and resumes without a restart when it returns).
import { Router } from "express";
import { databaseIsReachable, type Database } from "../db.js";
import { HttpProblem } from "./problem.js";

export function healthRoutes(db: Database, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.set("cache-control", "no-store").json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    if (isShuttingDown()) throw new HttpProblem(503, "shutting_down", "The service is shutting down.");
    if (!(await databaseIsReachable(db))) {
      throw new HttpProblem(503, "database_unavailable", "The database is unreachable.", { "Retry-After": "5" });
    }
    res.set("cache-control", "no-store").json({ status: "ready" });
  });
  return router;
}
