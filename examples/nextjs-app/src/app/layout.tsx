// Every page: the navigation, the session bar and the ApiProvider, which
// holds the browser's tokens in memory. Rendered on each request, so the
// configuration is read when the server runs, never baked in at build time.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ApiProvider } from "../components/api-provider";
import { SessionBar } from "../components/session-bar";
import { browserConfig, loadConfig } from "../lib/config";
import "./globals.css";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "authbridge · Next.js example",
  description: "Better Auth's React client and @authbridge/client in a Next.js app.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ApiProvider config={browserConfig(loadConfig())}>
          <header>
            <nav aria-label="Main">
              <Link href="/">Public posts</Link>
              <Link href="/posts">My posts</Link>
              <Link href="/profile">My profile</Link>
            </nav>
            <SessionBar />
          </header>
          <main>{children}</main>
        </ApiProvider>
      </body>
    </html>
  );
}
