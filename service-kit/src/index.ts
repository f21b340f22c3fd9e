export { createBaseApp, type BaseAppOptions } from "./app-base.js";
export { acceptBodies, formBody, jsonBody, requestBodies } from "./bodies.js";
export { sequence } from "./sequence.js";
export { databaseUnavailable, databaseUnavailableProblem, isDatabaseUnavailable } from "./database-errors.js";
export { ConfigError, flag, httpUrl, integer, list, logLevel, optionalRedisUrl, origins, parseEnv, parseTrustProxy, postgresUrl, redisKeyPrefix } from "./config.js";
export { answersWithin, healthRoutes, type HealthOptions } from "./health.js";
export { listen, runMain, serviceLifecycle, type LifecycleOptions, type Listener, type ListenOptions, type RunnableService } from "./lifecycle.js";
export { installMetrics, labelRoute, UNMATCHED_ROUTE, type MetricsEndpoint, type MetricsOptions, type ServiceMetrics } from "./metrics.js";
export { isStorableText, refuseUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "./text.js";
export { serviceEnvShape, serviceSettings, type DatabaseDeadlines, type MetricsSettings, type ServiceSettings } from "./settings.js";
export { createLogger, REDACTED_PATHS, requestLogger, serializeError } from "./logger.js";
export {
  errorHandler,
  HttpProblem,
  notFound,
  PROBLEM_CONTENT_TYPE,
  problemType,
  sendProblem,
  statusTitle,
  type ProblemBody,
  type ProblemMapper,
} from "./problem.js";
export { createDatabase, DATABASE_DEADLINES, prepared, type Database, type PoolOptions, type PreparedQuery } from "./postgres.js";
