import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // The repository root holds the lockfile and node_modules (npm workspaces).
  turbopack: { root: path.join(path.dirname(fileURLToPath(import.meta.url)), "../..") },
  // `npm run typecheck` checks the types (the repository's `npm test` runs it first); the
  // browser test builds with SKIP_BUILD_TYPECHECK=1 to save that half of the build.
  typescript: { ignoreBuildErrors: process.env.SKIP_BUILD_TYPECHECK === "1" },
  poweredByHeader: false,
  reactStrictMode: true,
  images: { unoptimized: true },
  // `next dev` would otherwise write an AGENTS.md (notes for coding assistants) into the example.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default config;
