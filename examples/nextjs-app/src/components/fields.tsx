// A labelled input whose error sits next to it (aria-invalid, aria-describedby).
import type { InputHTMLAttributes } from "react";

export function Field({ id, label, error, ...input }: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; error?: string | undefined }) {
  return (
    <p className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={`${id}-error`} {...input} />
      <span id={`${id}-error`} className="field-error">
        {error ?? ""}
      </span>
    </p>
  );
}
