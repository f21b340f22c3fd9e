/**
 * Where the verifier writes what an operator should know (a JWKS outage and
 * its end, ignored JWKS entries, an observer that throws). pino's and
 * bunyan's loggers fit as they are; `console` fits with the details first.
 */
export interface VerifierLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}
