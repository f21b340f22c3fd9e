// Errors on forms: the explanation on the form's error line, and each
// field's own message next to it (aria-invalid, aria-describedby).
import { errorLine } from "./dom.js";
import { explain } from "./messages.js";

/** Shows the explanation of `error` on a form: its error line, and each named field. */
export function showError(form: HTMLFormElement, error: unknown): void {
  const { message, fields } = explain(error);
  errorLine(form).textContent = message;
  for (const input of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input[name], textarea[name]")) {
    const problem = fields[input.name];
    if (input.type !== "radio") input.setAttribute("aria-invalid", problem ? "true" : "false");
    const line = input.getAttribute("aria-describedby");
    const target = line ? document.getElementById(line) : null;
    if (target) target.textContent = problem ?? "";
  }
}

/** Clears a form's error line, field errors and invalid marks. */
export function clearErrors(form: HTMLFormElement): void {
  errorLine(form).textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const line of form.querySelectorAll(".field-error")) line.textContent = "";
}
