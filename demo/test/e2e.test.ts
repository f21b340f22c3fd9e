// The whole story in a real browser, against the real services: sign up and
// in, a profile, public and private posts, the list as oneself and as an
// anonymous visitor, someone else's post refused (403 and 404), a token
// renewing, a session ended in another tab, errors in words, an address
// verified and a password reset through the local inbox. Screenshots of
// each step go to demo/artifacts/.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { eventually, freePort, grantRole, memoryLog, startMailCatcher, startServices, type MailCatcher, type RunningServices } from "@authbridge/devstack/testing";
import { createLogger, type RunnableService } from "@authbridge/service-kit";
import type { Locator, Page } from "playwright-core";
import { loadConfig } from "../src/config.js";
import { createDemoService } from "../src/service.js";
import { launchChromium, type Chromium } from "./browser.js";

const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
// Tokens live 60 s (the auth-service's minimum) and are renewed 55 s before
// they expire: a renewal every 5 s or so.
const TOKEN_SECONDS = 60;
const RENEW_BEFORE_SECONDS = 55;
const PASSWORD = "correct horse battery staple";
const run = Date.now().toString(36);
const bob = { name: "Bob Builder", email: `bob-${run}@example.com` };
const ada = { name: "Ada Lovelace", email: `ada-${run}@example.com` };
const carol = { name: "Carol Newcomer", email: `carol-${run}@example.com` };
const mo = { name: "Mo Derator", email: `mo-${run}@example.com` };

let services: RunningServices;
let catcher: MailCatcher;
let demo: RunnableService;
let chromium: Chromium;
let page: Page;
const pageErrors: string[] = [];
const posts: { bobPublic?: string; bobPrivate?: string } = {};

beforeAll(async () => {
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  // The demo's origin must be known to the services (CORS and Better Auth's
  // trusted origins) before they start, and theirs to the demo.
  const demoPort = await freePort();
  const demoOrigin = `http://127.0.0.1:${demoPort}`;
  // Mail goes to a real SMTP server with a web inbox, as in the stack.
  catcher = await startMailCatcher();
  services = await startServices({
    auth: {
      CORS_ORIGINS: demoOrigin,
      JWT_EXPIRES_IN_SECONDS: String(TOKEN_SECONDS),
      SMTP_URL: catcher.smtpUrl,
      MAIL_FROM: "authbridge <no-reply@example.com>",
      MAIL_RATE_LIMIT_PER_ADDRESS: "20",
    },
    api: { CORS_ORIGINS: demoOrigin },
  });
  const config = loadConfig({
    PORT: String(demoPort),
    AUTH_URL: services.authUrl,
    API_URL: services.apiUrl,
    INBOX_URL: catcher.inboxUrl,
    TOKEN_RENEW_BEFORE_SECONDS: String(RENEW_BEFORE_SECONDS),
  });
  demo = createDemoService(config, createLogger("demo", "info", memoryLog().stream));
  const url = await demo.listen();
  chromium = await launchChromium();
  page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
  // Generous: the machine may be busy; a step that passes is over in well under a second.
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("crash", () => pageErrors.push("the page crashed"));
  await page.goto(url);
  await page.locator("body[data-ready=true]").waitFor();
});

afterAll(async () => {
  await chromium?.close();
  await demo?.close();
  await services?.stop();
  await catcher?.stop();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const section = (id: string) => page.locator(`#${id}`);
const form = (id: string) => page.locator(`#${id}-form`);
const text = (locator: Locator) => locator.innerText();
/**
 * Waits until `locator` shows `expected` (a substring or a pattern). When it
 * does not, the failure says what the page showed instead, and a screenshot
 * of that moment is saved as failure-<n>.png.
 */
let failures = 0;
async function shows(locator: Locator, expected: string | RegExp): Promise<void> {
  try {
    await locator.filter({ hasText: expected }).waitFor();
  } catch (error: unknown) {
    failures += 1;
    await shot(`failure-${failures}`).catch(() => undefined);
    const actual = await locator.allInnerTexts().catch(() => []);
    const notice = await page.locator("#notice").innerText().catch(() => "");
    throw new Error(`Expected ${locator} to show ${String(expected)}, but it shows ${JSON.stringify(actual)} (page notice: ${JSON.stringify(notice)}; page errors: ${JSON.stringify(pageErrors)}; see failure-${failures}.png).\n${String(error)}`);
  }
}
const postTitled = (title: string) => page.locator("#post-list > li", { has: page.getByRole("heading", { name: title, exact: true }) });
const listedTitles = async () => page.locator("#post-list > li h3").allInnerTexts();

async function signUp(person: { name: string; email: string }, password = PASSWORD) {
  const signUpForm = form("sign-up");
  await signUpForm.getByLabel("Name").fill(person.name);
  await signUpForm.getByLabel("Email").fill(person.email);
  await signUpForm.getByLabel("Password").fill(password);
  await signUpForm.getByRole("button", { name: "Create account" }).click();
}

async function signIn(person: { email: string }, password = PASSWORD) {
  const signInForm = form("sign-in");
  await signInForm.getByLabel("Email").fill(person.email);
  await signInForm.getByLabel("Password").fill(password);
  await signInForm.getByRole("button", { name: "Sign in" }).click();
}

async function publish(title: string, body: string, visibility: "public" | "private") {
  const compose = form("compose");
  await compose.getByLabel("Title").fill(title);
  await compose.getByLabel("Text").fill(body);
  await compose.getByLabel(visibility === "public" ? "Everyone (public)" : "Only me (private)").check();
  await compose.getByRole("button", { name: "Publish" }).click();
  await shows(page.locator("#compose-result"), `Published “${title}” (${visibility}).`);
  await postTitled(title).waitFor();
  return (await postTitled(title).getAttribute("data-post-id")) ?? "";
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out" }).click();
  await shows(page.locator("#whoami"), /^Not signed in$/);
}

describe("the demo in a browser", () => {
  it("starts anonymous, with no token and an empty public list", async () => {
    await shows(page.locator("#whoami"), /^Not signed in$/);
    expect(await form("sign-in").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
    await shows(page.locator("#posts-summary"), "0 posts, as an anonymous visitor");
    expect(await text(page.locator("#token-expires"))).toBe("no token");
    await shot("01-anonymous");
  });

  it("explains a refused sign-up and a wrong password in words", async () => {
    await signUp(bob, "too short");
    const signUpError = form("sign-up").locator(".form-error");
    await shows(signUpError, "at least 12 characters");
    expect(await form("sign-up").getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
    await shot("02-sign-up-refused");

    await signUp(bob);
    await shows(page.locator("#whoami"), `Account created for ${bob.email}. Now sign in.`);
    expect(await text(signUpError)).toBe("");

    await signIn(bob, "not the right password");
    await shows(form("sign-in").locator(".form-error"), "That email and password do not match an account.");
    await shot("03-wrong-password");
  });

  it("signs in, gets a token and publishes a public and a private post", async () => {
    await signIn(bob);
    await shows(page.locator("#whoami"), `Signed in as ${bob.name} (${bob.email})`);
    expect(await form("sign-in").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
    await shows(page.locator("#token-expires"), /^\d:\d\d$/);

    // The API's field errors land next to their field.
    await form("compose").getByRole("button", { name: "Publish" }).click();
    await shows(page.locator("#compose-title-error"), "Title must not be empty.");
    expect(await form("compose").getByLabel("Title").getAttribute("aria-invalid")).toBe("true");
    await shot("04-field-errors");

    posts.bobPublic = await publish("Bob's public note", "Anyone may read this.", "public");
    posts.bobPrivate = await publish("Bob's diary", "Only for me.", "private");
    expect(await text(page.locator("#compose-title-error"))).toBe("");
    expect(await postTitled("Bob's diary").locator(".badge").innerText()).toBe("private");
    await shot("05-bob-posts");
  });

  it("signs out: the token is gone, the profile needs a session, and only public posts remain", async () => {
    await signOut();
    expect(await text(page.locator("#token-expires"))).toBe("no token");
    await shows(page.locator("#posts-summary"), "1 post, as an anonymous visitor");
    expect(await listedTitles()).toEqual(["Bob's public note"]);

    await page.getByRole("button", { name: "Show my profile" }).click();
    await shows(section("profile").locator(".form-error"), "You are not signed in, or your session has ended. Sign in and try again.");
    await shot("06-signed-out");
  });

  it("shows another user her profile, and her own private posts only to her", async () => {
    await signUp(ada);
    await shows(page.locator("#whoami"), `Account created for ${ada.email}.`);
    await signIn(ada);
    await shows(page.locator("#whoami"), `Signed in as ${ada.name} (${ada.email})`);

    await page.getByRole("button", { name: "Show my profile" }).click();
    const profile = section("profile").locator("dl");
    await shows(profile, ada.email);
    expect(await text(profile)).toContain(ada.name);

    await publish("Ada's notes", "Private, about engines.", "private");
    await shows(page.locator("#posts-summary"), `2 posts, as ${ada.name}`);
    expect(await listedTitles()).toEqual(["Ada's notes", "Bob's public note"]);
    expect(await postTitled("Bob's public note").locator(".author").innerText()).toBe(bob.name);
    expect(await postTitled("Ada's notes").locator(".author").innerText()).toBe("you");
    await shot("07-ada-signed-in");

    await page.getByLabel("an anonymous visitor").check();
    await shows(page.locator("#posts-summary"), "1 post, as an anonymous visitor");
    expect(await listedTitles()).toEqual(["Bob's public note"]);
    await shot("08-ada-as-anonymous");
    await page.getByLabel("me", { exact: true }).check();
    await shows(page.locator("#posts-summary"), "2 posts, as");
  });

  it("refuses to change someone else's post: 403 for a public one, 404 for a private one", async () => {
    const bobsNote = postTitled("Bob's public note");
    await bobsNote.getByRole("button", { name: "Edit title" }).click();
    await bobsNote.getByLabel("New title").fill("Ada was here");
    await bobsNote.getByRole("button", { name: "Save" }).click();
    await shows(bobsNote.locator(".form-error"), "This post belongs to someone else: only its author can change it.");
    await shot("09-not-owner");

    const tryEdit = form("try-edit");
    await tryEdit.getByLabel("Post id").fill(posts.bobPrivate ?? "");
    await tryEdit.getByLabel("New title").fill("Ada was here");
    await tryEdit.getByRole("button", { name: "Try to change it" }).click();
    await shows(tryEdit.locator(".form-error"), "There is no post with this id, or it is private to its author");
    await shot("10-not-found");

    // Her own post she may change.
    const adasNotes = postTitled("Ada's notes");
    await adasNotes.getByRole("button", { name: "Edit title" }).click();
    await adasNotes.getByLabel("New title").fill("Ada's engine notes");
    await adasNotes.getByRole("button", { name: "Save" }).click();
    await postTitled("Ada's engine notes").waitFor();
    expect(await listedTitles()).toEqual(["Ada's engine notes", "Bob's public note"]);
  });

  it("renews the token before it expires, and keeps calling the API with the new one", async () => {
    const counter = page.locator("#token-renewals");
    const before = Number(await text(counter));
    // The renewal is a real request to the auth-service, and the page counts it.
    const renewal = await page.waitForResponse((response) => response.url() === `${services.authUrl}/api/auth/token`, { timeout: 30_000 });
    expect(renewal.status()).toBe(200);
    await counter.filter({ hasNotText: new RegExp(`^${before}$`) }).waitFor();
    expect(Number(await text(counter))).toBeGreaterThan(before);
    // A fresh token: most of its 60 s ahead of it.
    const [minutes, seconds] = (await text(page.locator("#token-expires"))).split(":").map(Number);
    expect((minutes ?? 0) * 60 + (seconds ?? 0)).toBeGreaterThan(RENEW_BEFORE_SECONDS - 5);
    await shot("11-token-renewed");

    const listed = page.waitForResponse((response) => response.url().startsWith(`${services.apiUrl}/api/v1/posts`) && response.request().method() === "GET");
    await page.getByRole("button", { name: "Refresh" }).click();
    const response = await listed;
    expect(response.status()).toBe(200);
    expect(await response.request().headerValue("authorization")).toMatch(/^Bearer /);
    await shows(page.locator("#posts-summary"), `2 posts, as ${ada.name}`);
    expect(await text(page.locator("#posts > .form-error"))).toBe("");
  });

  it("notices at its next renewal when the session was ended in another tab", async () => {
    const otherTab = await chromium.context.newPage();
    await otherTab.goto(page.url());
    await otherTab.locator("body[data-ready=true]").waitFor();
    await otherTab.getByRole("button", { name: "Sign out" }).click();
    await otherTab.locator("#whoami", { hasText: /^Not signed in$/ }).waitFor();
    await otherTab.close();

    await shows(page.locator("#notice"), "Your session has ended. Sign in again to continue.");
    await shows(page.locator("#whoami"), /^Not signed in$/);
    expect(await text(page.locator("#token-expires"))).toBe("no token");
    await shows(page.locator("#posts-summary"), "1 post, as an anonymous visitor");
    await shot("12-session-ended-elsewhere");
  });

  it("lets a moderator hide someone else's post with a reason: gone for everyone else, shown to the moderator with the reason", async () => {
    // Ada, a plain user, has no moderation controls.
    await signIn(ada);
    await shows(page.locator("#posts-summary"), `2 posts, as ${ada.name}:`);
    expect(await postTitled("Bob's public note").locator(".moderate-form").count()).toBe(0);
    await signOut();

    await signUp(mo);
    await shows(page.locator("#whoami"), `Account created for ${mo.email}.`);
    // The first moderator, as an operator makes one (the roles CLI): before the session starts.
    await grantRole(services.authDatabase.url, mo.email, "moderator");
    await signIn(mo);
    await shows(page.locator("#posts-summary"), `1 post, as ${mo.name} (moderator)`);

    const bobsNote = postTitled("Bob's public note");
    await bobsNote.getByLabel("Reason to hide").fill("Off topic");
    await bobsNote.getByRole("button", { name: "Hide", exact: true }).click();
    await shows(postTitled("Bob's public note").locator(".hidden-reason"), "Hidden by a moderator: Off topic");
    expect(await postTitled("Bob's public note").locator(".badge.hidden-post").innerText()).toBe("hidden");
    await shot("13-moderator-hid-a-post");

    await page.getByLabel("an anonymous visitor").check();
    await shows(page.locator("#posts-summary"), "0 posts, as an anonymous visitor");
    await page.getByLabel("me", { exact: true }).check();
    await shows(page.locator("#posts-summary"), `1 post, as ${mo.name} (moderator)`);
    await signOut();
    await shows(page.locator("#posts-summary"), "0 posts, as an anonymous visitor");
    await shot("14-hidden-post-gone-for-visitors");
  });

  it("verifies a newcomer's address from the local inbox: the link signs in, and the token says email_verified: true", async () => {
    await signUp(carol);
    await shows(page.locator("#check-inbox"), `Check your inbox: we sent ${carol.email} a link to verify the address.`);
    expect(await page.locator("#inbox-link").getAttribute("href")).toBe(catcher.inboxUrl);
    await shot("15-check-your-inbox");
    await page.getByRole("button", { name: "Send the verification mail again" }).click();
    await shows(page.locator("#check-inbox"), `Sent again: check your inbox for a new link to verify ${carol.email}.`);

    const verificationMails = async () => catcher.mails.filter((mail) => mail.to.includes(carol.email) && /verify/i.test(mail.subject)).length;
    await eventually(async () => (await verificationMails()) === 2, "the first and the resent verification mail");
    const [inbox] = await Promise.all([chromium.context.waitForEvent("page"), page.locator("#inbox-link").click()]);
    // The newest first: the mail sent again.
    await inbox.locator("tr", { hasText: carol.email }).getByRole("link", { name: /Verify your email address/ }).first().click();
    await inbox.screenshot({ path: `${ARTIFACTS}16-inbox-verification-mail.png`, fullPage: true });
    await inbox.locator(`a[href^="${services.authUrl}/api/auth/verify-email?token="]`).click();
    // The auth-service verifies the address, signs this browser in and sends it back to the demo.
    await inbox.locator("#notice", { hasText: "Your email address is verified, and you are signed in." }).waitFor();
    await inbox.locator("#whoami", { hasText: `Signed in as ${carol.name} (${carol.email})` }).waitFor();
    await inbox.locator("#token-email-verified", { hasText: "yes (email_verified: true)" }).waitFor();
    expect(new URL(inbox.url()).search).toBe("");
    await inbox.screenshot({ path: `${ARTIFACTS}17-verified-and-signed-in.png`, fullPage: true });
    await inbox.getByRole("button", { name: "Sign out" }).click();
    await inbox.locator("#whoami", { hasText: /^Not signed in$/ }).waitFor();
    await inbox.close();
  });

  it("resets a forgotten password through the mailed link, with the password policy, and signs in with the new one", async () => {
    await page.reload();
    await page.locator("body[data-ready=true]").waitFor();
    const forgot = form("forgot");
    await forgot.getByLabel("Email").fill(carol.email);
    await forgot.getByRole("button", { name: "Mail me a reset link" }).click();
    await shows(page.locator("#check-inbox"), `If ${carol.email} has an account, a reset link is on its way: check your inbox.`);

    // The inbox page does not refresh itself: open it once the mail is there.
    await catcher.waitFor((mail) => mail.to.includes(carol.email) && /reset/i.test(mail.subject));
    const inbox = await chromium.context.newPage();
    await inbox.goto(catcher.inboxUrl);
    await inbox.locator("tr", { hasText: carol.email }).getByRole("link", { name: /Reset your authbridge password/ }).click();
    await inbox.locator(`a[href^="${services.authUrl}/api/auth/reset-password/"]`).click();
    // Back on the demo with the link's token: the form for the new password.
    const reset = inbox.locator("#reset-form");
    await reset.waitFor();
    expect(new URL(inbox.url()).search).toBe("");
    await reset.getByLabel(/New password/).fill("password1234");
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await reset.locator(".form-error", { hasText: /common/i }).waitFor();
    await reset.getByLabel(/New password/).fill("a brand new passphrase");
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await inbox.locator("#notice", { hasText: "Your password is changed" }).waitFor();
    await inbox.screenshot({ path: `${ARTIFACTS}18-password-reset.png`, fullPage: true });

    const signInForm = inbox.locator("#sign-in-form");
    await signInForm.getByLabel("Email").fill(carol.email);
    await signInForm.getByLabel("Password").fill("a brand new passphrase");
    await signInForm.getByRole("button", { name: "Sign in" }).click();
    await inbox.locator("#whoami", { hasText: `Signed in as ${carol.name}` }).waitFor();
    await inbox.locator("#token-email-verified", { hasText: "yes (email_verified: true)" }).waitFor();
    await inbox.close();
  });

  it("threw no error in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});
