import globalSetup from "../testing/global-setup.js";
import globalTeardown from "../testing/global-teardown.js";
import { startFleet } from "./fleet.js";
import { sigtermDirect } from "./scenarios/sigterm.js";
await globalSetup();
for (let i = 0; i < Number(process.env.N ?? 2); i++) {
  const fleet = await startFleet({ authInstances: 1, resourceInstances: 1 });
  try {
    const r = await sigtermDirect(fleet, { auth: 0, resource: 0, concurrency: Number(process.env.C ?? 32), durationMs: 3000, termAtMs: 1500 });
    console.log(JSON.stringify({ inFlight: r.inFlight.statuses, inFlightErr: r.inFlight.errors, after: r.afterTerm.errors, afterStatuses: r.afterTerm.statuses, inst: r.instances, writes: r.writes }));
  } finally { await fleet.stop(); }
}
await globalTeardown();
