// The stack runs each service from one JavaScript file, built by esbuild from
// the service's TypeScript sources and the workspace packages it uses, at
// every start (~0.1 s a service). npm packages stay outside the file and load
// as usual. Run through tsx instead, every module the service loads, the
// hundreds of files of better-auth included, goes through tsx's loader hooks:
// that doubled the CPU a service needs to start.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { packageEntry, type ServiceName } from "./service-process.js";

/**
 * npm packages stay external. The bundle is written inside the service's folder
 * (under node_modules/.cache), so Node resolves them from there exactly as it
 * would from the service's sources.
 */
const externalPackages: Plugin = {
  name: "external-packages",
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@authbridge/") ? undefined : { external: true }));
  },
};

/** Each source file keeps its own import.meta.url (the demo finds its page files by it, Prisma's client its folder). */
const ownImportMeta: Plugin = {
  name: "own-import-meta",
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.")) return undefined;
      return {
        loader: "ts",
        contents: source
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
          .replaceAll("import.meta.filename", JSON.stringify(args.path)),
      };
    });
  },
};

/**
 * Builds `service` (e.g. "auth-service") from its package's "./server" entry
 * point (its TypeScript source under the "source" condition, which `npm start`
 * runs with); returns the file to run (with a source map beside it).
 */
export async function bundleService(service: ServiceName): Promise<string> {
  const outDir = path.join(path.dirname(packageEntry(service, "package.json")), "node_modules", ".cache", "authbridge-stack");
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, "server.mjs");
  await build({
    entryPoints: [packageEntry(service)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Workspace packages resolve to their TypeScript sources.
    conditions: ["source"],
    sourcemap: "linked",
    plugins: [externalPackages, ownImportMeta],
    logLevel: "silent",
  });
  return outfile;
}
