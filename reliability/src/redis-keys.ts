// Removes a fleet's keys from Redis when it stops (sessions would otherwise
// stay for their whole lifetime): one EVAL over a plain socket, in Redis's
// wire protocol (RESP), so the dev tools need no Redis client library.
import net from "node:net";

const DELETE_MATCHING = "local n = 0 for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) n = n + 1 end return n";

function command(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join("")}`;
}

/** Deletes every key starting with `prefix`; resolves with how many there were. */
export function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix || /[*?[\]\\]/.test(prefix)) return Promise.reject(new Error(`Refusing to delete keys by the pattern prefix "${prefix}".`));
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port || 6379), hostname, () => socket.write(command(["EVAL", DELETE_MATCHING, "0", `${prefix}*`])));
    let reply = "";
    socket.setTimeout(5_000, () => socket.destroy(new Error("Redis did not answer within 5 s")));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString();
      if (!reply.endsWith("\r\n")) return;
      socket.end();
      const integer = /^:(\d+)\r\n$/.exec(reply);
      if (integer?.[1]) resolve(Number(integer[1]));
      else reject(new Error(`Redis answered ${JSON.stringify(reply.trim())}`));
    });
    socket.on("error", reject);
  });
}
