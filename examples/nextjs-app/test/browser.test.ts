// The Next.js app in a real browser, built and started as a user would, against
// the real services on ephemeral ports: a signed-out visitor sent to sign in,
// sign-up and sign-in (and their refusals) in words, a private post listed by
// the server on its author's behalf, the same post refused to another user
// (404), someone else's public post refused a change (403), sign-out, a token
// renewed while the page stays open, Better Auth's origin check kept through
// the app's /api/auth, and a session ended in another tab noticed. Tokens
// never reach the page's HTML, its storage or a cookie that scripts can read.
// Mail goes over SMTP to a real mail catcher: "check your inbox" after
// sign-up, the verification mail sent again, its link followed (the token then
// says email_verified: true), and a password reset through the mailed link.
// Screenshots go to artifacts/. Last, `next start` refuses an invalid configuration.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdir, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { eventually, freePort, startMailCatcher, startServices, type CaughtMail, type MailCatcher, type RunningServices } from "@authbridge/devstack/testing";
import type { Locator, Page } from "playwright-core";
import { launchChromium, type Chromium } from "../../../demo/test/browser.js";
import { buildApp, startApp, type RunningApp } from "./next-app.js";

const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
// Tokens live 60 s (the auth-service's minimum) and are renewed 55 s before
// they expire: a renewal every 5 s or so.
const TOKEN_SECONDS = 60;
const RENEW_BEFORE_SECONDS = 55;
const PASSWORD = "correct horse battery staple";
const run = Date.now().toString(36);
const bob = { name: "Bob Builder", email: `bob-${run}@example.com` };
const ada = { name: "Ada Lovelace", email: `ada-${run}@example.com` };
const cleo = { name: "Cleo Mailer", email: `cleo-${run}@example.com` };
const NEW_PASSWORD = "a brand new passphrase";
/** A compact JWS (what /api/auth/token hands out) starts with the base64url of `{"`. */
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

let services: RunningServices;
let catcher: MailCatcher;
let app: RunningApp;
let chromium: Chromium;
let page: Page;
const pageErrors: string[] = [];
const posts: { bobPublic?: string; bobPrivate?: string } = {};

beforeAll(async () => {
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  // The app's origin must be known to the services (Better Auth's trusted
  // origins and the resource-service's CORS) before they start.
  const appPort = await freePort();
  const appOrigin = `http://127.0.0.1:${appPort}`;
  // Mail goes to a real SMTP server, as in the stack; its links lead back to the app's origin.
  catcher = await startMailCatcher();
  const [started] = await Promise.all([
    startServices({
      auth: {
        CORS_ORIGINS: appOrigin,
        JWT_EXPIRES_IN_SECONDS: String(TOKEN_SECONDS),
        SMTP_URL: catcher.smtpUrl,
        MAIL_FROM: "authbridge <no-reply@example.com>",
        MAIL_RATE_LIMIT_PER_ADDRESS: "20",
      },
      api: { CORS_ORIGINS: appOrigin },
    }),
    buildApp(),
  ]);
  services = started;
  app = await startApp(appPort, { AUTH_URL: services.authUrl, API_URL: services.apiUrl, TOKEN_RENEW_BEFORE_SECONDS: String(RENEW_BEFORE_SECONDS) });
  chromium = await launchChromium();
  page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
  // Generous: the machine may be busy; a step that passes is over in well under a second.
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("crash", () => pageErrors.push("the page crashed"));
}, 8 * 60_000);

afterAll(async () => {
  await chromium?.close();
  await app?.stop();
  await services?.stop();
  await catcher?.stop();
});

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
const path = () => new URL(page.url()).pathname;
/**
 * Waits until `locator` shows `expected`. When it does not, the failure says
 * what the page showed instead, with a screenshot of that moment (failure-<n>.png).
 */
let failures = 0;
async function shows(locator: Locator, expected: string | RegExp): Promise<void> {
  try {
    await locator.filter({ hasText: expected }).first().waitFor();
  } catch (error: unknown) {
    failures += 1;
    await shot(`failure-${failures}`).catch(() => undefined);
    const actual = await locator.allInnerTexts().catch(() => []);
    throw new Error(
      `Expected ${locator} to show ${String(expected)} at ${page.url()}, but it shows ${JSON.stringify(actual)} (page errors: ${JSON.stringify(pageErrors)}; see failure-${failures}.png).\n${String(error)}\nServer output:\n${app.output().slice(-3_000)}`,
    );
  }
}
const whoami = () => page.locator("#whoami");
const postTitled = (title: string) => page.locator("#post-list > li", { has: page.getByRole("heading", { name: title, exact: true }) });
const listedTitles = () => page.locator("#post-list > li h3").allInnerTexts();

const mailsTo = (email: string, subject: RegExp) => catcher.mails.filter((mail) => mail.to.includes(email) && subject.test(mail.subject));
/** The link in a mail's text that starts with `prefix`. */
function linkIn(mail: CaughtMail | undefined, prefix: string): string {
  const link = (mail?.text.match(/https?:\/\/\S+/g) ?? []).find((candidate) => candidate.startsWith(prefix));
  if (!link) throw new Error(`No link starting with ${prefix} in ${JSON.stringify(mail?.text)}`);
  return link;
}

async function signUp(person: { name: string; email: string }, password = PASSWORD) {
  await page.goto(`${app.url}/sign-up`);
  const form = page.locator("#sign-up-form");
  await form.getByLabel("Name").fill(person.name);
  await form.getByLabel("Email").fill(person.email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Create account" }).click();
}

async function signIn(person: { email: string }, password = PASSWORD) {
  const form = page.locator("#sign-in-form");
  await form.getByLabel("Email").fill(person.email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

async function publish(title: string, body: string, visibility: "public" | "private") {
  const form = page.locator("#compose-form");
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Text").fill(body);
  await form.getByLabel(visibility === "public" ? "Everyone (public)" : "Only me (private)").check();
  await form.getByRole("button", { name: "Publish" }).click();
  await shows(page.locator("#compose-result"), `Published “${title}” (${visibility}).`);
  await postTitled(title).waitFor();
  return (await postTitled(title).getAttribute("data-post-id")) ?? "";
}

/** What the browser keeps that a script could read: storage and the cookies not marked HttpOnly. */
const scriptReadable = () => page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookies: document.cookie }));

describe("the Next.js app in a browser", () => {
  it("sends a signed-out visitor of a protected page to sign in, and remembers where they were going", async () => {
    await page.goto(`${app.url}/posts`);
    expect(path()).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/posts");
    await shows(whoami(), /^Not signed in$/);
    await page.goto(`${app.url}/profile`);
    expect(path()).toBe("/sign-in");
    await shot("01-redirected-to-sign-in");
  });

  it("explains a refused sign-up and a wrong password in words, then creates an account", async () => {
    await signUp(bob, "too short");
    await shows(page.locator("#sign-up-form .form-error"), "at least 12 characters");
    expect(await page.locator("#sign-up-password").getAttribute("aria-invalid")).toBe("true");
    await shot("02-sign-up-refused");

    await page.locator("#sign-up-password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await shows(page.locator("#check-inbox"), `Account created for ${bob.email}. Check your inbox: we sent it a link to verify the address. Then sign in.`);
    expect(path()).toBe("/sign-in");

    await signIn(bob, "not the right password");
    await shows(page.locator("#sign-in-form .form-error"), "That email and password do not match an account.");
    await shot("03-wrong-password");
  });

  it("signs in with an HttpOnly session cookie, and publishes a public and a private post", async () => {
    await signIn(bob);
    await shows(whoami(), `Signed in as ${bob.name} (${bob.email})`);
    await page.waitForURL(`${app.url}/posts`);
    await shows(page.locator("#token-expires"), /^\d:\d\d$/);
    const cookies = await chromium.context.cookies(app.url);
    const sessionCookie = cookies.find((cookie) => cookie.name === "better-auth.session_token");
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: "Lax", domain: "127.0.0.1" });

    // The API's field errors land next to their field.
    await page.locator("#compose-form").getByRole("button", { name: "Publish" }).click();
    await shows(page.locator("#compose-title-error"), "Title must not be empty.");

    posts.bobPublic = await publish("Bob's public note", "Anyone may read this.", "public");
    posts.bobPrivate = await publish("Bob's diary", "Only for me.", "private");
    await shows(page.locator("#posts-summary"), `2 posts by ${bob.name}`);
    expect(await postTitled("Bob's diary").locator(".badge").innerText()).toBe("private");
    await shot("04-bob-posts");
  });

  it("lists the private post on the server for its author, with no token in the page, its storage or script-readable cookies", async () => {
    // The page's HTML as the server sends it (the same cookies as the browser's).
    const html = await (await page.request.get(`${app.url}/posts`)).text();
    expect(html).toContain("Bob&#x27;s diary");
    expect(html).not.toMatch(JWT);
    expect(await page.content()).not.toMatch(JWT);
    const readable = await scriptReadable();
    expect(readable).not.toMatch(JWT);
    expect(readable).not.toContain("session_token");

    await page.goto(`${app.url}/posts/${posts.bobPrivate}`);
    await shows(page.locator("#post h1"), "Bob's diary");
    await shows(page.locator("#post .meta"), /private · yours/);
    await shot("05-own-private-post");
  });

  it("signs out: back to the public posts, only the public one listed, and the protected pages closed again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await shows(whoami(), /^Not signed in$/);
    await page.waitForURL(`${app.url}/`);
    await shows(page.locator("#posts-summary"), "as an anonymous visitor");
    expect(await listedTitles()).toContain("Bob's public note");
    expect(await listedTitles()).not.toContain("Bob's diary");
    expect((await chromium.context.cookies(app.url)).map((cookie) => cookie.name)).not.toContain("better-auth.session_token");
    await page.goto(`${app.url}/posts/${posts.bobPrivate}`);
    expect(path()).toBe("/sign-in");
    await shot("06-signed-out");
  });

  it("refuses Bob's posts to another user: the private one is not found (404), the public one may not be changed (403)", async () => {
    await signUp(ada);
    await shows(page.locator("#check-inbox"), `Account created for ${ada.email}.`);
    await signIn(ada);
    await shows(whoami(), `Signed in as ${ada.name} (${ada.email})`);

    await page.goto(`${app.url}/posts/${posts.bobPrivate}`);
    await shows(page.locator("h1"), "No such post");
    await shows(page.locator("#post-error"), "There is no post with this id, or it is private to its author");
    await shot("07-not-found");

    await page.goto(`${app.url}/posts/${posts.bobPublic}`);
    await shows(page.locator("#post .meta"), "by someone else");
    await page.getByLabel("New title").fill("Ada was here");
    await page.getByRole("button", { name: "Save the title" }).click();
    await shows(page.locator("#edit-title-form .form-error"), "This post belongs to someone else: only its author can change it.");
    await shot("08-not-owner");

    await page.goto(`${app.url}/posts`);
    await shows(page.locator("#posts-summary"), `0 posts by ${ada.name}`);
  });

  it("renews the token while the page stays open, and keeps calling the API with the new one", async () => {
    await page.goto(`${app.url}/profile`);
    await shows(page.locator("#profile dl"), ada.email);
    const counter = page.locator("#token-renewals");
    const before = Number(await counter.innerText());
    // The renewal is a real request to /api/auth/token (forwarded to the auth-service), and the page counts it.
    const renewal = await page.waitForResponse((response) => response.url() === `${app.url}/api/auth/token`, { timeout: 30_000 });
    expect(renewal.status()).toBe(200);
    await counter.filter({ hasNotText: new RegExp(`^${before}$`) }).waitFor();
    expect(Number(await counter.innerText())).toBeGreaterThan(before);
    const [minutes, seconds] = (await page.locator("#token-expires").innerText()).split(":").map(Number);
    expect((minutes ?? 0) * 60 + (seconds ?? 0)).toBeGreaterThan(RENEW_BEFORE_SECONDS - 5);
    await shot("09-token-renewed");

    const called = page.waitForResponse((response) => response.url() === `${services.apiUrl}/api/v1/users/me`);
    await page.getByRole("button", { name: "Reload my profile" }).click();
    const response = await called;
    expect(response.status()).toBe(200);
    expect(await response.request().headerValue("authorization")).toMatch(/^Bearer /);
    await shows(page.locator("#profile-loads"), "loaded 2 times");
    expect(await page.locator("#profile .form-error").innerText()).toBe("");
    expect(await scriptReadable()).not.toMatch(JWT);
  });

  it("keeps Better Auth's origin check through the app: another site's page cannot sign the user out", async () => {
    // A cross-site form or fetch names its own origin; the auth-service trusts only the app's.
    const cookie = (await chromium.context.cookies(app.url)).map(({ name, value }) => `${name}=${value}`).join("; ");
    const forged = await fetch(`${app.url}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: "http://evil.example", "content-type": "application/json" }, body: "{}" });
    expect(forged.status).toBe(403);
    const token = await fetch(`${app.url}/api/auth/token`, { headers: { cookie } });
    expect(token.status).toBe(200);
    expect(token.headers.get("cache-control")).toMatch(/no-store/);
  });

  it("notices when the session was ended in another tab, and leaves the protected page", async () => {
    const otherTab = await chromium.context.newPage();
    await otherTab.goto(`${app.url}/profile`);
    await otherTab.getByRole("button", { name: "Sign out" }).click();
    await otherTab.locator("#whoami", { hasText: /^Not signed in$/ }).waitFor();
    await otherTab.close();

    await shows(page.locator("#notice"), "Your session has ended. Sign in again to continue.");
    await shows(whoami(), /^Not signed in$/);
    expect(await page.locator("#token-expires").count()).toBe(0);
    // Nothing of her session stays on screen: the protected page sends her to sign in.
    await page.waitForURL(`${app.url}/sign-in?next=%2Fprofile`);
    expect(await page.locator("#profile").count()).toBe(0);
    await shot("10-session-ended-elsewhere");
  });

  it("says check your inbox after sign-up, sends the mail again, and verifies the address through the mailed link", async () => {
    await signUp(cleo);
    await shows(page.locator("#check-inbox"), `Account created for ${cleo.email}. Check your inbox`);
    await page.getByRole("button", { name: "Send the verification mail again" }).click();
    await shows(page.locator("#check-inbox"), `Sent again: check your inbox for a new link to verify ${cleo.email}.`);
    await shot("11-check-your-inbox");
    await eventually(async () => mailsTo(cleo.email, /verify/i).length === 2, "the sign-up's and the resent verification mail");

    // Not verified yet: the token says so.
    await signIn(cleo);
    await shows(whoami(), `Signed in as ${cleo.name} (${cleo.email})`);
    await page.goto(`${app.url}/profile`);
    await shows(page.locator("#email-verified"), "not yet (email_verified: false)");

    // The link points at the auth-service, which verifies the address and sends the browser back to the app.
    const link = linkIn(mailsTo(cleo.email, /verify/i).at(-1), `${services.authUrl}/api/auth/verify-email?token=`);
    expect(new URL(link).searchParams.get("callbackURL")).toBe(`${app.url}/verified`);
    await page.goto(link);
    expect(page.url()).toBe(`${app.url}/verified`);
    await shows(page.locator("#verification-result"), "Your email address is verified.");
    await shot("12-verified");
    await page.getByRole("link", { name: "your profile" }).click();
    await shows(page.locator("#email-verified"), "yes (email_verified: true)");
    await shows(whoami(), `Signed in as ${cleo.name}`);

    // A link works once: the second time, the app says it was used.
    await page.goto(link);
    expect(new URL(page.url()).searchParams.get("error")).toBe("EMAIL_ALREADY_VERIFIED");
    await shows(page.locator("#verification-result"), "This link was used already: your email address is verified.");
  });

  it("resets a forgotten password through the mailed link, says the password policy in words, and signs in with the new one", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await shows(whoami(), /^Not signed in$/);
    await page.goto(`${app.url}/sign-in`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(`${app.url}/forgot-password`);
    const forgot = page.locator("#forgot-form");
    await forgot.getByLabel("Email").fill(cleo.email);
    await forgot.getByRole("button", { name: "Mail me a reset link" }).click();
    await shows(forgot, `If ${cleo.email} has an account, a reset link is on its way: check your inbox.`);

    const mail = await catcher.waitFor((caught) => caught.to.includes(cleo.email) && /reset/i.test(caught.subject), 20_000);
    const link = linkIn(mail, `${services.authUrl}/api/auth/reset-password/`);
    await page.goto(link);
    // Back in the app with the token, which leaves the address bar at once.
    const reset = page.locator("#reset-form");
    await reset.waitFor();
    await page.waitForURL(`${app.url}/reset-password`);
    await reset.getByLabel("New password").fill("password1234");
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await shows(page.locator("#reset-password-error"), "one of the most commonly used passwords");
    await reset.getByLabel("New password").fill("too short");
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await shows(page.locator("#reset-password-error"), "at least 12 characters");
    await shot("13-reset-refused");
    await reset.getByLabel("New password").fill(NEW_PASSWORD);
    await reset.getByRole("button", { name: "Set the new password" }).click();
    await shows(page.locator("#password-changed"), "Your password is changed");
    expect(path()).toBe("/sign-in");

    await signIn(cleo, PASSWORD);
    await shows(page.locator("#sign-in-form .form-error"), "That email and password do not match an account.");
    await signIn(cleo, NEW_PASSWORD);
    await shows(whoami(), `Signed in as ${cleo.name} (${cleo.email})`);
    await page.waitForURL(`${app.url}/posts`);
    await shot("14-signed-in-with-new-password");

    // The link worked once.
    await page.goto(link);
    await shows(page.locator("#reset-error"), "This reset link is not valid");
  });

  it("threw no error in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("next start", () => {
  it("stops at once when the configuration is invalid, saying what is missing", async () => {
    const started = startApp(await freePort(), { AUTH_URL: "", API_URL: services.apiUrl });
    await expect(started).rejects.toThrow(/exited with code 1:[\s\S]*AUTH_URL is required: the service's URL/);
  });
});
