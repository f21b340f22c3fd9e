// Records what a server really answers, on the server side, whatever sent the
// request (fetch, node:http, a raw socket): Node publishes every request an
// HTTP server receives on the `http.server.request.start` diagnostics
// channel; the recorder copies the body its response writes, and keeps the
// exchange once the response has finished, with the owner the server was
// watched for (what to check it against). Only servers it watches (by port)
// are recorded; answers Node itself writes to a socket before any request
// exists (431 for oversized headers) are not requests, and are not seen.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const REQUEST_START = "http.server.request.start";

export interface Exchange {
  method: string;
  /** The request target as received: path and query. */
  url: string;
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

export interface Recorded<Owner> {
  owner: Owner;
  exchange: Exchange;
}

export class ResponseRecorder<Owner = undefined> {
  private readonly owners = new Map<number, Owner>();
  private recorded: Array<Recorded<Owner>> = [];
  private readonly onRequest = (message: unknown) => this.record(message as RequestStart);

  constructor() {
    subscribe(REQUEST_START, this.onRequest);
  }

  /** Records the exchanges of the server listening at `url`, for `owner`. */
  watch(url: string, owner: Owner): void {
    this.owners.set(portOf(url), owner);
  }

  unwatch(url: string): void {
    this.owners.delete(portOf(url));
  }

  /** How many exchanges were recorded since the last `take`. */
  get size(): number {
    return this.recorded.length;
  }

  /** The exchanges recorded since the last call. */
  take(): Array<Recorded<Owner>> {
    const taken = this.recorded;
    this.recorded = [];
    return taken;
  }

  close(): void {
    unsubscribe(REQUEST_START, this.onRequest);
  }

  private record({ request, response, server }: RequestStart): void {
    const port = (server.address() as AddressInfo | null)?.port;
    if (port === undefined || !this.owners.has(port)) return;
    const owner = this.owners.get(port) as Owner;
    const { method = "", url = "" } = request;
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((chunk: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as ServerResponse["write"];
    response.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== "function") collect(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as ServerResponse["end"];
    response.once("finish", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.getHeaders())) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
      }
      this.recorded.push({ owner, exchange: { method, url, status: response.statusCode, headers, body: Buffer.concat(chunks) } });
    });
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
