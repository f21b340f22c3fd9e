// "My profile": the resource-service's view of the signed-in user, created
// from the token's claims on first use.
import type { Context } from "./context.js";
import { busy, byId, errorLine, h } from "./dom.js";
import { explain } from "./messages.js";

export function setUpProfile(ctx: Context): void {
  const section = byId("profile", HTMLElement);
  const button = byId("load-profile", HTMLButtonElement);
  const facts = byId("profile-facts", HTMLElement);

  button.addEventListener("click", () => {
    errorLine(section).textContent = "";
    void busy(button, async () => {
      try {
        const me = await ctx.api.users.me();
        const rows: Array<[string, string]> = [
          ["Name", me.displayName ?? me.name],
          ["Email", me.email],
          ["Handle", me.handle ? `@${me.handle}` : "not chosen yet"],
          ["Member since", new Date(me.createdAt).toLocaleString()],
          ["User id", me.id],
        ];
        facts.replaceChildren(...rows.flatMap(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
        facts.hidden = false;
      } catch (error: unknown) {
        facts.hidden = true;
        errorLine(section).textContent = explain(error).message;
      }
    });
  });

  ctx.session.subscribe(() => {
    facts.replaceChildren();
    facts.hidden = true;
    errorLine(section).textContent = "";
  });
}
