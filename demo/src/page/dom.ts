// A few DOM helpers. Text always goes in as text (textContent), never as
// HTML: post titles and names come from other users.

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** The element with this id, of the expected type; throws when the page lacks it. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page has no ${type.name} #${id}.`);
  return element;
}

/** The error line of a form or section (its `.form-error` element). */
export function errorLine(container: HTMLElement): HTMLElement {
  const line = container.querySelector<HTMLElement>(".form-error");
  if (!line) throw new Error(`#${container.id} has no .form-error line.`);
  return line;
}

/** A form field's value as a string. */
export function field(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value : "";
}

/** Disables a form's or a button's controls while `work` runs. */
export async function busy<T>(control: HTMLFormElement | HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  const buttons = control instanceof HTMLFormElement ? [...control.querySelectorAll("button")] : [control];
  for (const button of buttons) button.disabled = true;
  control.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    for (const button of buttons) button.disabled = false;
    control.removeAttribute("aria-busy");
  }
}
