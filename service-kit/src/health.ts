// Liveness and readiness. /healthz answers as long as the process can serve;
// /readyz also needs the service's dependencies (its database), so a load
// balancer stops routing to an instance while they are unreachable and
// resumes, without a restart, when they return.
import type { Express } from "express";
import { HttpProblem } from "./problem.js";

export interface HealthOptions {
  /** Resolves true when the service can do its work (e.g. its database answers). */
  isReady: () => Promise<boolean>;
  isShuttingDown: () => boolean;
}

/** Adds GET /healthz and GET /readyz to `app` (as routes of the app itself: no router for every request to pass through). */
export function healthRoutes(app: Express, { isReady, isShuttingDown }: HealthOptions): void {
  app.get("/healthz", (_req, res) => {
    res.set("cache-control", "no-store").json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    if (isShuttingDown()) throw new HttpProblem(503, "shutting_down", "The service is shutting down.");
    if (!(await isReady())) {
      throw new HttpProblem(503, "database_unavailable", "The database is unreachable.", { "Retry-After": "5" });
    }
    res.set("cache-control", "no-store").json({ status: "ready" });
  });
}

/** Runs `probe`, answering false when it fails or takes longer than `timeoutMs`. */
export async function answersWithin(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const attempt = probe().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
