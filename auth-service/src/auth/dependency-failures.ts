// Which requests met a database that could not answer.
//
// Better Auth swallows errors in its session lookup (getSessionFromCtx turns
// any failure into "no session"), so a stalled or unreachable PostgreSQL came
// back as 401 UNAUTHORIZED: a well-behaved client then signs its user out.
// The pool reports every "unavailable" failure (a refused or timed-out
// connection, an unanswered query) in the async context of the request that
// waited for it; the handlers answer such a request 503
// database_unavailable, whatever Better Auth made of the failure. Only an
// answer from a store that did answer ("no such session") is a 401.
//
// Redis is not reported here: the session cache falls back to PostgreSQL by
// itself (sessions/secondary-storage.ts), so a Redis failure alone costs no
// answer.
import { AsyncLocalStorage } from "node:async_hooks";

interface FailureRecord {
  failure: unknown;
}

const requests = new AsyncLocalStorage<FailureRecord>();

/** For the database's onUnavailable: marks the current request, if any, as one its database failed. */
export function recordDatabaseFailure(error: unknown): void {
  const record = requests.getStore();
  if (record && record.failure === undefined) record.failure = error;
}

/**
 * Runs `work` (one request's call into Better Auth) and settles it, telling
 * whether the database failed it at any point, even where Better Auth
 * swallowed the error.
 */
export async function watchDatabase<T>(work: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; databaseFailed: boolean }> {
  const record: FailureRecord = { failure: undefined };
  const outcome = await requests.run(record, () =>
    work().then(
      (value): PromiseSettledResult<T> => ({ status: "fulfilled", value }),
      (reason: unknown): PromiseSettledResult<T> => ({ status: "rejected", reason }),
    ),
  );
  return { outcome, databaseFailed: record.failure !== undefined };
}
