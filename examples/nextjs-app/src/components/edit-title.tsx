"use client";
// Change a post's title from the browser. Anyone signed in may try: the
// resource-service decides, and someone else's post is refused (403
// not_owner), shown here in words.
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { explain, type Explanation } from "../lib/messages";
import { useSessionApi } from "./api-provider";
import { Field } from "./fields";

export function EditTitle({ postId, title }: { postId: string; title: string }) {
  const { api } = useSessionApi();
  const router = useRouter();
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!api) return;
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      await api.posts.update(postId, { title: String(form.get("title")) });
      router.refresh();
    } catch (error: unknown) {
      setProblem(explain(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form id="edit-title-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <Field id="edit-title" label="New title" name="title" defaultValue={title} error={problem?.fields.title} />
      <button type="submit" disabled={busy || !api}>
        Save the title
      </button>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
