// The requests the scenarios send: what a signed-in client of the pair does.
import { TOKEN_PATH } from "@authbridge/auth-service/paths";
import pg from "pg";
import type { RequestSpec } from "./load.js";
import { authHeaders, type FleetUser } from "./users.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An authenticated read: the caller's profile, or the first page of posts. */
export function apiRead(apiUrl: string, token: string, n: number, tag = "read"): RequestSpec {
  const path = n % 2 === 0 ? "/api/v1/users/me" : "/api/v1/posts?limit=10";
  return { url: `${apiUrl}${path}`, headers: bearer(token), tag };
}

/** An authenticated write: a new post titled `title` (so a scenario can count its rows). */
export function apiWrite(apiUrl: string, token: string, title: string, tag = "write"): RequestSpec {
  return {
    url: `${apiUrl}/api/v1/posts`,
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify({ title, body: "Written under load.", visibility: "private" }),
    tag,
  };
}

/** GET TOKEN_PATH (/api/auth/token) with the user's session; `onToken` receives each new token. */
export function tokenRequest(authUrl: string, issuer: string, user: FleetUser, onToken: (token: string) => void, tag = "token"): RequestSpec {
  return {
    url: `${authUrl}${TOKEN_PATH}`,
    headers: authHeaders(issuer, user),
    tag,
    onAnswer: (status, body) => {
      if (status === 200) onToken((JSON.parse(body) as { token: string }).token);
    },
  };
}

/** Posts whose title starts with `prefix`, counted in the resource-service's database. */
export async function countPosts(databaseUrl: string, prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ count: string }>("SELECT count(*) AS count FROM posts WHERE title LIKE $1", [`${prefix}%`]);
    return Number(result.rows[0]?.count ?? 0);
  } finally {
    await client.end();
  }
}
