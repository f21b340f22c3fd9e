// A TCP proxy (to PostgreSQL, say) that a test can cut and restore, to take a
// dependency down and bring it back without touching the real server.
import net from "node:net";
import { freePort } from "./http.js";

/** A TCP proxy to PostgreSQL that the test can cut and restore, to take "the database" down and back. */
export class CuttableProxy {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Puts a cuttable proxy in front of the server of `databaseUrl`; returns it and the URL that goes through it. */
export async function proxiedDatabase(databaseUrl: string): Promise<{ proxy: CuttableProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
  await proxy.up();
  const url = new URL(databaseUrl);
  url.host = `127.0.0.1:${proxy.port}`;
  return { proxy, url: url.toString() };
}
