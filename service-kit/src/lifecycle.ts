// Listening and stopping, the same way for every service: stop accepting,
// let in-flight requests finish (closing keep-alive connections as they go
// idle), give up after a deadline, then release resources. `runMain` wires a
// service to its process: configuration errors end it with their message,
// SIGTERM/SIGINT (or the dev stack going away) shut it down gracefully.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import type { Duplex } from "node:stream";
import { ConfigError } from "./config.js";
import type { MetricsEndpoint } from "./metrics.js";
import { PROBLEM_CONTENT_TYPE, problemType, statusTitle } from "./problem.js";

/** How long a connection idle when closing starts stays open for a request already on its way. */
const IDLE_GRACE_MS = 500;

export interface Listener {
  url: string;
  /** Stops accepting and resolves when in-flight requests are done (or the deadline passed). */
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight requests may take once closing; then connections are cut. */
  shutdownTimeoutMs: number;
  /**
   * How long to keep accepting requests after close() starts, while readiness
   * already answers 503, so load balancers stop routing here before the port
   * closes. 0 closes at once.
   */
  shutdownDelayMs?: number;
}

export async function listen(app: Express, options: ListenOptions): Promise<Listener> {
  const server: Server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  server.on("clientError", answerClientError);
  // Once closing, every response says `Connection: close`, so a keep-alive
  // client never sends another request on a connection that is about to be
  // closed (closing it under a request that is already on its way would reset
  // that request): it opens a new connection, which goes to another instance,
  // or is refused cleanly once the port is closed.
  let draining = false;
  const unanswered = new Set<ServerResponse>();
  server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.setHeader("connection", "close");
      return;
    }
    unanswered.add(res);
    res.once("close", () => unanswered.delete(res));
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        draining = true;
        for (const res of unanswered) if (!res.headersSent) res.setHeader("connection", "close");
        unanswered.clear();
        // Without a delay the port closes now, before any of those answers
        // leaves: a client they send away must find it closed (refused), not
        // open with nobody left to accept (reset).
        const delayMs = options.shutdownDelayMs ?? 0;
        if (delayMs > 0) setTimeout(() => closeServer(resolve), delayMs);
        else closeServer(resolve);
      });
      return closing;
    },
  };

  function closeServer(resolve: () => void): void {
    // Keep-alive connections that are idle now may already carry a request on
    // its way (sent, not read yet): closing them at once, as http.Server's
    // close() does, would reset it. So stop listening only (net.Server's
    // close), give such requests IDLE_GRACE_MS to be read (they are answered
    // with Connection: close), then close connections as they go idle.
    let sweep: NodeJS.Timeout | undefined;
    const grace = setTimeout(() => {
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), 50);
    }, Math.min(IDLE_GRACE_MS, options.shutdownTimeoutMs));
    const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs);
    net.Server.prototype.close.call(server, () => {
      clearTimeout(grace);
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
  }
}

export interface LifecycleOptions {
  listen: ListenOptions;
  /** Runs before the port opens (e.g. preparing keys). */
  beforeListen?: () => Promise<void>;
  /** Releases what the service holds (its database pool) once requests have drained. */
  release: () => Promise<void>;
}

/**
 * A service's start and stop: `isShuttingDown` turns true the moment close()
 * starts (readiness answers 503 from then on), the listener drains, then
 * `release` runs. close() is idempotent.
 */
export function serviceLifecycle(options: LifecycleOptions) {
  let shuttingDown = false;
  let listener: Listener | undefined;
  let metricsListener: Listener | undefined;
  let closing: Promise<void> | undefined;
  return {
    isShuttingDown: () => shuttingDown,
    /** Opens `app`'s port, and `metrics` (installMetrics's endpoint, with METRICS_PORT) beside it; resolves with the app's URL. */
    async start(app: Express, metrics?: MetricsEndpoint): Promise<string> {
      try {
        await options.beforeListen?.();
        listener = await listen(app, options.listen);
        // Metrics on a listener of their own (METRICS_PORT): closed after the
        // main one has drained, so the last scrapes see the shutdown.
        if (metrics) {
          metricsListener = await listen(metrics.app, { host: metrics.host, port: metrics.port, shutdownTimeoutMs: options.listen.shutdownTimeoutMs });
        }
        return listener.url;
      } catch (error: unknown) {
        // A start that fails releases what it took (pools, Redis clients,
        // timers), so nothing keeps reconnecting behind the error.
        closing = (async () => {
          shuttingDown = true;
          await listener?.close();
          await options.release();
        })();
        await closing.catch(() => undefined);
        throw error;
      }
    },
    close(): Promise<void> {
      closing ??= (async () => {
        shuttingDown = true;
        await listener?.close();
        await metricsListener?.close();
        await options.release();
      })();
      return closing;
    },
  };
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over
 * 16 KB, bytes that are not allowed in a header, a malformed request line)
 * still get a problem+json answer, then the connection is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    type: problemType(tooLarge ? "headers_too_large" : "bad_request"),
    title: statusTitle(status),
    status,
    detail: tooLarge ? "The request's headers are larger than this server accepts." : "The request could not be read.",
    code: tooLarge ? "headers_too_large" : "bad_request",
  });
  const reason = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
  );
}

export interface RunnableService {
  logger: Logger;
  /** Starts the service; resolves with the URL it listens on. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Set (to "1") by a launcher that forks the service before its database is
 * ready, the dev stack: the service loads its code, most of its start-up,
 * meanwhile, then waits for the launcher's `{ type: "start", env }` message,
 * whose variables complete its environment, before it reads its configuration.
 */
const WAIT_FOR_START_ENV = "AUTHBRIDGE_WAIT_FOR_START";

/** The body of a service's server.ts. */
export function runMain(name: string, create: () => RunnableService): void {
  if (process.env[WAIT_FOR_START_ENV] !== "1" || !process.send) {
    start(name, create);
    return;
  }
  delete process.env[WAIT_FOR_START_ENV];
  // Nothing to drain yet: a stop now just ends the process.
  const exit = () => process.exit(0);
  const onMessage = (message: { type?: string; env?: Record<string, string> }) => {
    if (message.type !== "start") return;
    process.off("message", onMessage).off("SIGTERM", exit).off("SIGINT", exit).off("disconnect", exit);
    Object.assign(process.env, message.env);
    start(name, create);
  };
  process.on("message", onMessage).on("SIGTERM", exit).on("SIGINT", exit).on("disconnect", exit);
}

function start(name: string, create: () => RunnableService): void {
  let service: RunnableService;
  try {
    service = create();
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { logger } = service;
  let shuttingDown = false;
  const shutdown = (reason: string) => {
    if (shuttingDown) {
      logger.info({ reason }, "already shutting down");
      return;
    }
    shuttingDown = true;
    logger.info({ reason }, "shutting down");
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: one stop request can come as two signals (a Ctrl-C reaches
  // the whole process group, and npm or the dev stack passes it on too). A
  // second signal must not kill the service halfway through its drain, which
  // has its own deadline (SHUTDOWN_TIMEOUT_MS).
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // Spawned by the dev stack with an IPC channel: if the stack dies, so do we.
  if (process.send) process.once("disconnect", () => shutdown("parent exited"));

  service.listen().then(
    (url) => {
      logger.info({ url }, `${name} listening on ${url}`);
      process.send?.({ type: "ready", url });
    },
    (error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start`);
      process.exit(1);
    },
  );
}
