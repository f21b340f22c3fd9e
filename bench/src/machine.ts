// The machine a report was measured on.
import os from "node:os";
import pg from "pg";

export async function describeMachine(adminUrl: string): Promise<{ cpu: string; cores: number; node: string; kernel: string; postgres: string }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return { cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU", cores: os.cpus().length, node: process.version, kernel: os.release(), postgres: `PostgreSQL ${rows[0]?.server_version ?? "?"}` };
  } finally {
    await client.end();
  }
}
