export { acceptBodies } from "./bodies.js";
export { ConfigError, httpUrl, integer, list, logLevel, origins, parseEnv, parseTrustProxy, postgresUrl } from "./config.js";
export { answersWithin, healthRoutes, type HealthOptions } from "./health.js";
export { listen, runMain, type Listener, type RunnableService } from "./lifecycle.js";
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
