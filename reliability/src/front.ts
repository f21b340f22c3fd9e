// An HTTP front on 127.0.0.1 that plays the load balancer: it forwards each
// request to the next upstream in turn, and counts the requests it saw per
// path. The scenarios put one in front of the auth-service instances (their
// shared issuer URL), one per resource-service instance on its JWKS URL (to
// count that instance's key fetches where they arrive), and one in front of
// the resource-service instances.
//
// Like a real balancer it tries the next upstream only when a connection is
// refused (nothing was sent, so nothing can happen twice), answers 502 when no
// upstream can be reached, and, with `health`, routes only to upstreams whose
// readiness probe answers 200 (to all of them when none does).
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FrontOptions {
  /** Poll each upstream's readiness (e.g. "/readyz") and route only to those answering 200. */
  health?: { path: string; intervalMs: number };
}

export interface Front {
  url: string;
  /** Requests received for `path` (e.g. "/api/auth/jwks"), answered or not. */
  count(path: string): number;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) kept[name] = value;
  return kept;
}

class Refused extends Error {}

export async function startFront(upstreams: readonly string[], options: FrontOptions = {}): Promise<Front> {
  const targets = [...upstreams];
  const unready = new Set<string>();
  let turn = 0;
  const counts = new Map<string, number>();
  // With a timeout the pool honours the upstream's Keep-Alive hint (see load.ts).
  const agent = new http.Agent({ keepAlive: true, timeout: 60_000, maxSockets: 128 });

  function forward(req: IncomingMessage, body: Buffer, upstream: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(`${upstream}${req.url ?? "/"}`, { method: req.method, headers: endToEnd(req.headers), agent, timeout: 15_000 }, resolve);
      outgoing.on("error", (error: NodeJS.ErrnoException) => reject(error.code === "ECONNREFUSED" ? new Refused(error.message) : error));
      outgoing.on("timeout", () => outgoing.destroy(new Error("upstream timeout")));
      outgoing.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // With no instance ready, try them all (as balancers "fail open") rather than refuse everything.
    const healthy = targets.filter((target) => !unready.has(target));
    const ready = healthy.length > 0 ? healthy : targets;
    turn = (turn + 1) % Math.max(1, ready.length);
    const order = ready.map((_, index) => ready[(turn + index) % ready.length] as string);
    for (const upstream of order) {
      let answer: http.IncomingMessage;
      try {
        answer = await forward(req, body, upstream);
      } catch (error: unknown) {
        if (error instanceof Refused) continue;
        break; // sent, then lost: not retried (it may have been processed)
      }
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
      return;
    }
    res.writeHead(502, { "content-type": "text/plain" }).end("no upstream answered");
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });

  let probing: NodeJS.Timeout | undefined;
  if (options.health) {
    const { path, intervalMs } = options.health;
    // Out at once when the probe says so (a 503 while draining) or the port is
    // closed; after three slow probes in a row otherwise (a busy instance is
    // not a dead one).
    const slowProbes = new Map<string, number>();
    const probe = () => {
      for (const target of targets) {
        fetch(`${target}${path}`, { signal: AbortSignal.timeout(intervalMs * 5) }).then(
          async (response) => {
            await response.body?.cancel();
            slowProbes.delete(target);
            if (response.status === 200) unready.delete(target);
            else unready.add(target);
          },
          (error: unknown) => {
            const refused = (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
            const slow = (slowProbes.get(target) ?? 0) + 1;
            slowProbes.set(target, slow);
            if (refused || slow >= 3) unready.add(target);
          },
        );
      }
    };
    probe();
    probing = setInterval(probe, intervalMs);
  }

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (path) => counts.get(path) ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        clearInterval(probing);
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
