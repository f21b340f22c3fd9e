// Liveness, for the container's health check: the server answers. (It does
// not ask the services: a page that cannot reach them says so in words.)
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
