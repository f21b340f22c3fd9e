// Helpers for hostile-input tests: seeded randomness (a failure can be
// replayed) and raw HTTP over TCP (to send what fetch refuses to).
import net from "node:net";

/** mulberry32: a small seeded PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededBytes(next: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/**
 * Characters that break services in ways random bytes seldom reach, because
 * they must arrive inside well-formed JSON or a well-formed token:
 * - NUL, which PostgreSQL's text cannot hold;
 * - lone surrogates, which JSON carries as "\ud800" escapes but no UTF-8 can
 *   encode (a Prisma query fails on them);
 * - the rest is valid text that must survive unchanged: other control
 *   characters, noncharacters, a byte-order mark, bidirectional overrides,
 *   line separators, astral characters (a surrogate pair), quotes and escapes.
 */
export const HOSTILE_CHARACTERS: readonly string[] = [
  "\u0000",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\u0001",
  "\u001f",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u202e",
  "\ufeff",
  "\ufffd",
  "\ufffe",
  "\uffff",
  "\u{1F600}",
  "\u{10FFFF}",
  "\n",
  "\t",
  '"',
  "\\",
  "'",
  "%00",
  "é",
];

/** What PostgreSQL's text cannot take: NUL, or a surrogate without its pair. */
export const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** A seeded string of `length` units: letters, and about one in three a hostile character. */
export function seededText(next: () => number, length: number, alphabet: readonly string[] = HOSTILE_CHARACTERS): string {
  let text = "";
  for (let index = 0; index < length; index += 1) {
    text += next() < 0.33 ? (alphabet[Math.floor(next() * alphabet.length)] ?? "") : String.fromCharCode(97 + Math.floor(next() * 26));
  }
  return text;
}

/** Sends raw bytes over TCP and returns the status line's code, the headers (names in lower case) and the body (the server closes or answers). */
export function rawRequest(url: string, request: Buffer | string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(request));
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString("latin1")));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", ...rest] = data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const headers = Object.fromEntries(
        head
          .split("\r\n")
          .slice(1)
          .map((line) => [line.slice(0, line.indexOf(":")).trim().toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      resolve({ status, headers, body: rest.join("\r\n\r\n") });
    });
  });
}
