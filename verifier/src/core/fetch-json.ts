// One bounded JSON document over HTTP (the discovery document, the JWKS):
// every request has a timeout and a size limit, and a refresh can be a
// conditional request (If-None-Match) whose 304 says the copy held is current.

/**
 * How a JWKS refresh ended: `ok` (keys read), `not_modified` (a 304 to the
 * conditional request: the keys held are still current), or why it failed:
 * `timeout`, `network_error` (no answer), `http_error` (an error status),
 * `invalid_response` (not JSON, too large, no `keys`), `discovery_error` (the
 * discovery document could not be had, so no JWKS request was made).
 */
export const JWKS_FETCH_RESULTS = Object.freeze(["ok", "not_modified", "timeout", "network_error", "http_error", "invalid_response", "discovery_error"] as const);

/** One of JWKS_FETCH_RESULTS. */
export type JwksFetchResult = (typeof JWKS_FETCH_RESULTS)[number];

export class KeySetFetchError extends Error {
  override name = "KeySetFetchError";
  constructor(
    message: string,
    /** Why the fetch failed, as reported to observers. */
    readonly result: Exclude<JwksFetchResult, "ok" | "not_modified"> = "invalid_response",
  ) {
    super(message);
  }
}

const MAX_DOCUMENT_BYTES = 256 * 1024;

// By name, not by class: the abort is a DOMException, which may come from another realm.
const errorName = (error: unknown) => (typeof error === "object" && error !== null && "name" in error ? String(error.name) : "");
const timedOut = (error: unknown) => errorName(error) === "TimeoutError" || errorName(error) === "AbortError";
const messageOf = (error: unknown) => (typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error));

export type Fetched =
  | { notModified: false; body: unknown; etag: string | undefined; maxAgeSeconds: number | undefined }
  | { notModified: true; maxAgeSeconds: number | undefined };

/** GETs `url` as JSON; with `etag`, as a revalidation that may end in `notModified`. Throws KeySetFetchError. */
export async function fetchJson(fetcher: typeof fetch, url: string, timeoutMs: number, etag?: string): Promise<Fetched> {
  let response: Response;
  try {
    response = await fetcher(url, {
      // A revalidation: fetch would otherwise add `Cache-Control: no-cache` to a
      // conditional request, which servers (Express among them) answer in full.
      headers: { accept: "application/json", ...(etag ? { "if-none-match": etag, "cache-control": "max-age=0" } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error: unknown) {
    throw new KeySetFetchError(`${url} could not be fetched: ${messageOf(error)}`, timedOut(error) ? "timeout" : "network_error");
  }
  const maxAgeSeconds = maxAge(response.headers.get("cache-control"));
  if (etag && response.status === 304) {
    await response.body?.cancel();
    return { notModified: true, maxAgeSeconds };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new KeySetFetchError(`${url} answered ${response.status}`, "http_error");
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw new KeySetFetchError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error: unknown) {
    throw new KeySetFetchError(`${url} could not be read: ${messageOf(error)}`, timedOut(error) ? "timeout" : "network_error");
  }
  if (text.length > MAX_DOCUMENT_BYTES) throw new KeySetFetchError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KeySetFetchError(`${url} did not answer JSON`);
  }
  return { notModified: false, body, etag: response.headers.get("etag") ?? undefined, maxAgeSeconds };
}

/** max-age from a Cache-Control header: 0 for no-store/no-cache, undefined when absent. */
export function maxAge(cacheControl: string | null): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl.toLowerCase().split(",").map((part) => part.trim());
  if (directives.some((directive) => directive === "no-store" || directive === "no-cache")) return 0;
  for (const directive of directives) {
    const match = /^max-age=(\d+)$/.exec(directive);
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}
