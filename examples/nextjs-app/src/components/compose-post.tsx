"use client";
// Write a post, public or private, from the browser through @authbridge/client;
// then the server components re-render (router.refresh) and list it.
import type { Visibility } from "@authbridge/client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { explain, type Explanation } from "../lib/messages";
import { useSessionApi } from "./api-provider";
import { Field } from "./fields";

export function ComposePost() {
  const { api } = useSessionApi();
  const router = useRouter();
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [published, setPublished] = useState<{ id: string; title: string; visibility: Visibility } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!api) return;
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setBusy(true);
    setProblem(null);
    try {
      const visibility = form.get("visibility") === "private" ? "private" : "public";
      const post = await api.posts.create({ title: String(form.get("title")), body: String(form.get("body")), visibility });
      setPublished({ id: post.id, title: post.title, visibility: post.visibility });
      formElement.reset();
      router.refresh();
    } catch (error: unknown) {
      setProblem(explain(error));
      setPublished(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="compose-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <Field id="compose-title" label="Title" name="title" error={problem?.fields.title} />
      <p className="field">
        <label htmlFor="compose-body">Text</label>
        <textarea id="compose-body" name="body" rows={3} aria-invalid={problem?.fields.body ? true : undefined} aria-describedby="compose-body-error" />
        <span id="compose-body-error" className="field-error">
          {problem?.fields.body ?? ""}
        </span>
      </p>
      <fieldset>
        <legend>Who may read it</legend>
        <label>
          <input type="radio" name="visibility" value="public" defaultChecked /> Everyone (public)
        </label>
        <label>
          <input type="radio" name="visibility" value="private" /> Only me (private)
        </label>
      </fieldset>
      <button type="submit" disabled={busy || !api}>
        Publish
      </button>
      <p id="compose-result" role="status">
        {published && (
          <>
            Published <Link href={`/posts/${published.id}`}>“{published.title}”</Link> ({published.visibility}).
          </>
        )}
      </p>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
