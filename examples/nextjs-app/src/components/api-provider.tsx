"use client";
// The resource-service for client components, as the signed-in user.
//
// Tokens live here, in this component's memory, and nowhere else: not in
// localStorage or sessionStorage (any script on the page could read them
// there, and they would outlive the tab), not in a cookie. They come from
// GET /api/auth/token on the app's origin, with the HttpOnly session cookie,
// and are renewed `renewBeforeSeconds` before they expire, on a timer, so a
// call never waits for one. Each session gets a client of its own, so
// nothing of one session's tokens, not even a renewal in flight, can serve
// the next.
import { ApiClient, AuthenticationError } from "@authbridge/client";
import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { authClient } from "../lib/auth-client";
import type { BrowserConfig } from "../lib/config";
import { tokenTimes, type TokenTimes } from "../lib/token-times";

/** Where tokens come from: the app's own origin, which forwards to the auth-service. */
const AUTH_URL = "";
const TOKEN_PATH = "/api/auth/token";
const SESSION_ENDED = "Your session has ended. Sign in again to continue.";
/** After a renewal that failed for another reason than the session (the auth-service unreachable). */
const RETRY_MS = 5_000;

export interface SessionApi {
  /** Calls as the signed-in user; null while signed out or while the session is being read. */
  api: ApiClient | null;
  /** The current token's times (never the token), and how many times it was renewed. */
  token: { times: TokenTimes | null; renewals: number; renewBeforeSeconds: number };
  /** A message for the whole page (the session ended behind its back), or null. */
  notice: string | null;
  /** Signs out here: the session's end is then no news to announce. */
  signOut(): ReturnType<typeof authClient.signOut>;
}

const Context = createContext<SessionApi | null>(null);

export function useSessionApi(): SessionApi {
  const value = useContext(Context);
  if (!value) throw new Error("useSessionApi() needs an <ApiProvider> above it.");
  return value;
}

/** The tokens one session's client received: their times, and how many. */
interface Received {
  session: object;
  times: TokenTimes;
  count: number;
}

export function ApiProvider({ config, children }: { config: BrowserConfig; children: ReactNode }) {
  const session = authClient.useSession();
  const userId = session.isPending ? undefined : (session.data?.user.id ?? null);
  const [notice, setNotice] = useState<string | null>(null);
  const [received, setReceived] = useState<Received | null>(null);
  const refetchSession = useRef(session.refetch);
  useEffect(() => {
    refetchSession.current = session.refetch;
  });

  // A client of its own for each session (`owner` tells its tokens from an earlier session's).
  const current = useMemo(() => {
    if (!userId) return null;
    const owner = {};
    // The client's fetch, watched: each token the auth-service hands out is
    // read for its times, to schedule the next renewal and show it.
    const watched: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (response.ok && url === `${AUTH_URL}${TOKEN_PATH}`) {
        const body = (await response.clone().json()) as { token?: unknown };
        const times = typeof body.token === "string" ? tokenTimes(body.token) : undefined;
        if (times) setReceived((previous) => ({ session: owner, times, count: previous?.session === owner ? previous.count + 1 : 1 }));
      }
      return response;
    };
    return { owner, api: new ApiClient({ apiUrl: config.apiUrl, authUrl: AUTH_URL, renewBeforeSeconds: config.renewBeforeSeconds, fetch: watched }) };
  }, [userId, config.apiUrl, config.renewBeforeSeconds]);
  const api = current?.api ?? null;
  const mine = received && received.session === current?.owner ? received : null;

  // A session that ends behind the page's back (signed out in another tab,
  // which Better Auth's client announces to every tab; or a renewal refused)
  // is said in words, and the server components render again: a protected
  // page sends the visitor to sign in, so nothing of the session stays on screen.
  const router = useRouter();
  const leaving = useRef(false);
  const previousUser = useRef(userId);
  useEffect(() => {
    const before = previousUser.current;
    previousUser.current = userId;
    if (userId) setNotice(null);
    if (typeof before === "string" && userId === null && !leaving.current) {
      setNotice(SESSION_ENDED);
      router.refresh();
    }
  }, [userId, router]);
  const signOut = useRef(async () => {
    leaving.current = true;
    const result = await authClient.signOut();
    if (result.error) leaving.current = false;
    return result;
  }).current;

  // The first token as soon as the session is known, then each renewal when
  // the current token is `renewBeforeSeconds` from its expiry. A refused
  // renewal means the session ended (signed out in another tab, revoked); a
  // failed one (the auth-service unreachable) is tried again a little later.
  const expiresAt = mine?.times.expiresAt;
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!api) return undefined;
    const renewAt = expiresAt === undefined ? Date.now() : expiresAt - config.renewBeforeSeconds * 1000;
    const timer = setTimeout(() => {
      api.tokens.get().catch((error: unknown) => {
        if (!(error instanceof AuthenticationError)) {
          setTimeout(() => setAttempt((count) => count + 1), RETRY_MS);
          return;
        }
        setNotice(SESSION_ENDED);
        void refetchSession.current();
      });
    }, Math.max(0, renewAt - Date.now()));
    return () => clearTimeout(timer);
  }, [api, expiresAt, config.renewBeforeSeconds, attempt]);

  const value = useMemo<SessionApi>(
    () => ({ api, token: { times: mine?.times ?? null, renewals: Math.max(0, (mine?.count ?? 0) - 1), renewBeforeSeconds: config.renewBeforeSeconds }, notice, signOut }),
    [api, mine, config.renewBeforeSeconds, notice, signOut],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
