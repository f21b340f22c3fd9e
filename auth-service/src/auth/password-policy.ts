// Password policy applied wherever a password is set (sign-up, change and reset):
// a minimum length, and no password from a list of ~18,000 commonly used
// passwords (the zxcvbn-ts common list, 8+ characters), compared case-insensitively.
// Length alone lets "password1234" through; the list stops the passwords that
// credential-stuffing and spraying attacks try first (NIST SP 800-63B 5.1.1.2).
import { dictionary } from "@zxcvbn-ts/language-common";

let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set((dictionary["passwords-common"] as string[]).filter((word) => word.length >= 8).map((word) => word.toLowerCase()));
  return common;
}

export type PasswordVerdict = { ok: true } | { ok: false; code: "PASSWORD_TOO_SHORT" | "PASSWORD_TOO_COMMON"; message: string };

export function checkPassword(password: string, minLength: number): PasswordVerdict {
  if ([...password].length < minLength) {
    return {
      ok: false,
      code: "PASSWORD_TOO_SHORT",
      message: `The password must be at least ${minLength} characters long: length is what makes a password hard to guess.`,
    };
  }
  if (commonPasswords().has(password.toLowerCase())) {
    return {
      ok: false,
      code: "PASSWORD_TOO_COMMON",
      message: "This password is one of the most commonly used passwords, which attackers try first; choose another one.",
    };
  }
  return { ok: true };
}
