// Calls observers (metrics, mostly) without letting one that throws fail a
// request or kill a background refresh; the first failure is logged.
import type { VerifierLogger } from "./logger.js";

export function notifier<O>(observers: readonly O[], logger: () => VerifierLogger | undefined): (call: (observer: O) => void) => void {
  let reported = false;
  return (call) => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (error: unknown) {
        if (!reported) logger()?.warn({ err: error }, "a verifier observer threw; the verifier goes on, and ignores its failures");
        reported = true;
      }
    }
  };
}
