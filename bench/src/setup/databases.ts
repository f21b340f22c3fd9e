// The run's databases, all on one PostgreSQL server: ours cloned from the migrated templates
// the tests use (milliseconds), peer 2's created empty (its migrations run later). All are
// named authbridge_bench_* and dropped at the end.
import { dropDatabase, ensureDatabase, serviceDatabase, withDatabase } from "@authbridge/devstack";
import { ensureTemplate } from "@authbridge/devstack/testing/templates";

export interface BenchDatabases {
  /** Connection URLs by role. */
  urls: { auth: string; authRedis: string; resource: string; betterAuth: string };
  drop(): Promise<void>;
}

export async function createDatabases(adminUrl: string, runId: string): Promise<BenchDatabases> {
  const [authTemplate, resourceTemplate] = await Promise.all([
    ensureTemplate(adminUrl, serviceDatabase("auth-service")),
    ensureTemplate(adminUrl, serviceDatabase("resource-service")),
  ]);
  const names = {
    auth: `authbridge_bench_auth_${runId}`,
    authRedis: `authbridge_bench_auth_redis_${runId}`,
    resource: `authbridge_bench_resource_${runId}`,
    betterAuth: `authbridge_bench_better_auth_${runId}`,
  };
  const created: string[] = [];
  const drop = async () => {
    await Promise.all(created.map((name) => dropDatabase(adminUrl, name).catch(() => undefined)));
  };
  try {
    for (const [role, template] of [["auth", authTemplate], ["authRedis", authTemplate], ["resource", resourceTemplate], ["betterAuth", undefined]] as const) {
      await ensureDatabase(adminUrl, names[role], template);
      created.push(names[role]);
    }
  } catch (error: unknown) {
    await drop();
    throw error;
  }
  return {
    urls: {
      auth: withDatabase(adminUrl, names.auth),
      authRedis: withDatabase(adminUrl, names.authRedis),
      resource: withDatabase(adminUrl, names.resource),
      betterAuth: withDatabase(adminUrl, names.betterAuth),
    },
    drop,
  };
}
