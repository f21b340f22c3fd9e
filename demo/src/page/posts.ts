// Posts: write one (public or private), list them as yourself or as an
// anonymous visitor, and try to change any post, yours or not: the API
// decides (403 not_owner for someone else's public post, 404 for a private
// one, exactly as for an id that was never used). A moderator (or admin) also
// sees hidden posts and may hide or unhide anyone's post, with a reason; the
// API records each action.
import type { Post, Role } from "@authbridge/client";
import type { Context } from "./context.js";
import { busy, byId, errorLine, field, h } from "./dom.js";
import { clearErrors, showError } from "./forms.js";
import { explain } from "./messages.js";

type View = "me" | "anonymous";

export function setUpPosts(ctx: Context): void {
  const compose = byId("compose-form", HTMLFormElement);
  const composeResult = byId("compose-result", HTMLElement);
  const viewForm = byId("view-form", HTMLFormElement);
  const refresh = byId("refresh-posts", HTMLButtonElement);
  const list = byId("post-list", HTMLOListElement);
  const summary = byId("posts-summary", HTMLElement);
  const section = byId("posts", HTMLElement);
  const tryEdit = byId("try-edit-form", HTMLFormElement);
  const tryResult = byId("try-edit-result", HTMLElement);
  const authors = new Map<string, Promise<string>>();
  let loads = 0;
  /** The signed-in user's role, from their token (what the API will check too). */
  let role: Role | undefined;
  const moderates = () => role === "moderator" || role === "admin";

  const view = (): View => (field(viewForm, "view") === "anonymous" || !ctx.session.user ? "anonymous" : "me");

  /** An author's name from their public profile (once per author). */
  const authorName = (id: string): Promise<string> => {
    if (id === ctx.session.user?.id) return Promise.resolve("you");
    let name = authors.get(id);
    if (!name) {
      name = ctx.anonymous.users.get(id).then(
        (profile) => profile.displayName ?? profile.name,
        () => "someone",
      );
      authors.set(id, name);
    }
    return name;
  };

  const load = async () => {
    errorLine(section).textContent = "";
    const viewer = view();
    const ticket = ++loads;
    try {
      const page = await (viewer === "me" ? ctx.api : ctx.anonymous).posts.list({ limit: 50 });
      if (ticket !== loads) return; // a later load (another view, another session) wins
      list.replaceChildren(...page.items.map((post) => renderPost(post, viewer)));
      const count = `${page.items.length} ${page.items.length === 1 ? "post" : "posts"}`;
      summary.textContent =
        viewer === "me"
          ? `${count}, as ${ctx.session.user?.name ?? "you"}${moderates() ? ` (${role})` : ""}: public ones and your private ones${moderates() ? ", hidden ones included" : ""}.`
          : `${count}, as an anonymous visitor: public ones only.`;
    } catch (error: unknown) {
      if (ticket !== loads) return;
      list.replaceChildren();
      summary.textContent = "";
      errorLine(section).textContent = explain(error).message;
    }
  };

  const renderPost = (post: Post, viewer: View): HTMLLIElement => {
    const author = h("span", { class: "author" }, "…");
    void authorName(post.authorId).then((name) => (author.textContent = name));
    const item = h(
      "li",
      { "data-post-id": post.id },
      h("h3", {}, post.title),
      h(
        "p",
        { class: "meta" },
        h("span", { class: `badge ${post.visibility}` }, post.visibility),
        ...(post.hiddenAt ? [" ", h("span", { class: "badge hidden-post" }, "hidden")] : []),
        " by ",
        author,
        " · ",
        h("time", { datetime: post.createdAt }, new Date(post.createdAt).toLocaleString()),
        " · id ",
        h("code", {}, post.id),
      ),
      h("p", {}, post.body),
    );
    if (post.hiddenReason !== null) item.append(h("p", { class: "hidden-reason" }, `Hidden by a moderator: ${post.hiddenReason}`));
    if (viewer === "me") item.append(...editControls(post, item));
    if (viewer === "me" && moderates() && post.authorId !== ctx.session.user?.id) item.append(...moderationControls(post, item));
    return item;
  };

  /** Hide (or unhide) someone else's post, with a reason: moderators and admins only. */
  const moderationControls = (post: Post, item: HTMLLIElement): HTMLElement[] => {
    const action = post.hiddenAt ? "unhide" : "hide";
    const label = action === "hide" ? "Hide" : "Unhide";
    const inputId = `reason-${post.id}`;
    const reason = h("input", { id: inputId, name: "reason" });
    const form = h(
      "form",
      { class: "moderate-form", novalidate: "" },
      h("label", { for: inputId }, `Reason to ${action}`),
      reason,
      h("p", { class: "form-error", role: "alert" }),
      h("button", { type: "submit", class: "secondary" }, label),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      void busy(form, async () => {
        try {
          await ctx.api.moderation.act({ action, postId: post.id, reason: reason.value });
          item.replaceWith(renderPost(await ctx.api.posts.get(post.id), "me"));
        } catch (error: unknown) {
          showError(form, error);
        }
      });
    });
    return [form];
  };

  /** "Edit title" on every post, yours or not: the API is what says no. */
  const editControls = (post: Post, item: HTMLLIElement): HTMLElement[] => {
    const open = h("button", { type: "button", class: "secondary" }, "Edit title");
    const inputId = `edit-${post.id}`;
    const input = h("input", { id: inputId, name: "title" });
    input.value = post.title;
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    const form = h("form", { class: "edit-form", novalidate: "" }, h("label", { for: inputId }, "New title"), input, h("p", { class: "form-error", role: "alert" }), h("button", { type: "submit" }, "Save"), " ", cancel);
    form.hidden = true;
    open.addEventListener("click", () => {
      form.hidden = false;
      open.hidden = true;
      input.focus();
    });
    cancel.addEventListener("click", () => {
      form.hidden = true;
      open.hidden = false;
      clearErrors(form);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      void busy(form, async () => {
        try {
          const changed = await ctx.api.posts.update(post.id, { title: input.value });
          item.replaceWith(renderPost(changed, "me"));
        } catch (error: unknown) {
          showError(form, error);
        }
      });
    });
    return [open, form];
  };

  compose.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(compose);
    composeResult.textContent = "";
    const visibility = field(compose, "visibility") === "private" ? "private" : "public";
    void busy(compose, async () => {
      try {
        const post = await ctx.api.posts.create({ title: field(compose, "title"), body: field(compose, "body"), visibility });
        compose.reset();
        composeResult.textContent = `Published “${post.title}” (${post.visibility}).`;
        await load();
      } catch (error: unknown) {
        showError(compose, error);
      }
    });
  });

  tryEdit.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(tryEdit);
    tryResult.textContent = "";
    const id = field(tryEdit, "postId").trim();
    void busy(tryEdit, async () => {
      try {
        const changed = await ctx.api.posts.update(id, { title: field(tryEdit, "title") });
        tryResult.textContent = `Changed: the post is now titled “${changed.title}”.`;
        await load();
      } catch (error: unknown) {
        showError(tryEdit, error);
      }
    });
  });

  viewForm.addEventListener("change", () => void load());
  refresh.addEventListener("click", () => void busy(refresh, load));
  // A new session starts clean: the list as that person (or as anyone), no old messages.
  ctx.session.subscribe((user) => {
    const asMe = viewForm.querySelector<HTMLInputElement>('input[value="me"]');
    const asAnonymous = viewForm.querySelector<HTMLInputElement>('input[value="anonymous"]');
    if (asMe && asAnonymous) {
      asMe.disabled = user === null;
      (user ? asMe : asAnonymous).checked = true;
    }
    for (const form of [compose, tryEdit]) clearErrors(form);
    composeResult.textContent = "";
    tryResult.textContent = "";
    role = undefined;
    const api = ctx.api;
    void (user ? api.role().catch(() => undefined) : Promise.resolve(undefined)).then((found) => {
      if (api !== ctx.api) return; // another session since
      role = found;
      void load();
    });
  });
}
