// A log destination that keeps every line in memory, so tests can read what a
// service logged (and assert what it never logs).
import { Writable } from "node:stream";

export function memoryLog(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}
