// The stack runs each service from JavaScript built by esbuild: the service's
// TypeScript and the workspace packages it uses in one file, `server.mjs`, with
// a source map; and every npm package it loads in a chunk beside it, without
// one. Loaded from their own folders instead, the 1,800 files of better-auth,
// Prisma, zod and the rest cost more to find and read than to run: a warm start
// of the auth-service took 1.3 s of CPU that way, 0.5 s from the chunk. The
// chunk has no source map because Node 20 parses a module's map whole when it
// loads it (0.3 s more for the auth-service's); a stack frame in an npm package
// names the chunk's line. (One thing a chunk cannot give an npm module written
// as CommonJS: its own `__dirname`. None that the services run needs one; pino
// would, for log transports in worker threads, which they do not use.)
//
// A build is kept (under the service's node_modules/.cache) and reused while
// none of its inputs changed: every file esbuild read, the folders they sit in,
// npm's record of what is installed, and this file (how builds are made).
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, version as esbuildVersion, type BuildOptions, type Plugin } from "esbuild";
import { repoRoot } from "./databases.js";
import { packageEntry, type ServiceName } from "./service-process.js";

/** Packages that must load from their own folder: esbuild runs its native binary, found next to its package. */
const UNBUNDLED_PACKAGES = ["esbuild"];
const UNBUNDLED_IMPORT = new RegExp(`^(${UNBUNDLED_PACKAGES.join("|")})(/|$)`);

/** A build's inputs, as they were when it was made: path → "mtime size" (folders too). */
type Fingerprint = Record<string, string>;

interface CurrentBuild {
  /** The folder of the build, beside this record. */
  dir: string;
  /** How it was built: this file's hash, esbuild's and Node's versions. */
  settings: string;
  inputs: Fingerprint;
}

/** A build other than the current one is removed once it is this old (a stack started from it has long loaded its code). */
const OLD_BUILD_MS = 60 * 60 * 1000;

const isBarePackage = (specifier: string) => /^[^./]/.test(specifier) && !specifier.startsWith("node:") && !specifier.startsWith("@authbridge/");

/**
 * Each source file keeps its own import.meta.url (the demo finds its page files
 * by it, Prisma's client its folder): `.ts` files always, npm packages' files
 * too when `npmFiles` is set (see buildInto).
 */
function ownImportMeta(npmFiles: boolean): Plugin {
  return {
    name: "own-import-meta",
    setup(plugin) {
      plugin.onLoad({ filter: npmFiles ? /\.(ts|[mc]?js)$/ : /\.ts$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        return {
          loader: args.path.endsWith(".ts") ? "ts" : "js",
          contents: source
            .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
            .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
            .replaceAll("import.meta.filename", JSON.stringify(args.path)),
        };
      });
    },
  };
}

/** Records the file each npm import resolves to, and leaves it out of the build. */
function npmImports(found: Set<string>): Plugin {
  return {
    name: "npm-imports",
    setup(plugin) {
      plugin.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (!isBarePackage(args.path) || args.pluginData === "resolving") return undefined;
        if (UNBUNDLED_IMPORT.test(args.path)) return { external: true };
        const resolved = await plugin.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "resolving" });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external || !resolved.path) return { external: true };
        found.add(resolved.path);
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * The chunk's entry: it exports every npm module the service imports, so that
 * esbuild's code splitting puts all npm code in a chunk that `server.mjs` and
 * this entry share (its own output is never run).
 */
function npmEntry(modules: readonly string[]): Plugin {
  return {
    name: "npm-entry",
    setup(plugin) {
      plugin.onResolve({ filter: /^authbridge-npm-entry$/ }, () => ({ path: "npm-entry", namespace: "authbridge-npm-entry" }));
      plugin.onLoad({ filter: /.*/, namespace: "authbridge-npm-entry" }, () => ({
        contents: modules.map((file, index) => `export * as m${index} from ${JSON.stringify(file)};`).join("\n"),
        resolveDir: repoRoot,
        loader: "js",
      }));
      // A filter esbuild applies itself: a call into JavaScript for every import of every npm file would cost more than the build.
      plugin.onResolve({ filter: UNBUNDLED_IMPORT }, () => ({ external: true }));
    },
  };
}

/** The output name of the npm entry (see npmEntry). */
const NPM_ENTRY = "all-npm-packages";

const common = (service: ServiceName): BuildOptions => ({
  entryPoints: { server: packageEntry(service) },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Workspace packages resolve to their TypeScript sources.
  conditions: ["source"],
  absWorkingDir: repoRoot,
  logLevel: "silent",
});

/**
 * What the files (and their folders) look like now. A file changed after
 * `since` (during the build that read it) is recorded as "changed", which
 * never matches: the next start builds again.
 */
async function fingerprint(files: Iterable<string>, since = Number.POSITIVE_INFINITY): Promise<Fingerprint> {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file);
    paths.add(path.dirname(file));
  }
  // npm rewrites it on every install: a package added, removed or moved shows here.
  paths.add(path.join(repoRoot, "node_modules", ".package-lock.json"));
  const entries = await Promise.all(
    [...paths].sort().map(async (file) => {
      const info = await stat(file).catch(() => undefined);
      if (!info) return [file, "missing"] as const;
      return [file, info.mtimeMs >= since ? "changed" : `${info.mtimeMs} ${info.size}`] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function isCurrent(record: CurrentBuild | undefined, settings: string): Promise<boolean> {
  if (!record || record.settings !== settings) return false;
  const now = await fingerprint(Object.keys(record.inputs));
  return Object.entries(record.inputs).every(([file, seen]) => now[file] === seen);
}

/** Removes builds other than `keep` that are older than OLD_BUILD_MS. */
async function removeOldBuilds(cacheDir: string, keep: string): Promise<void> {
  for (const entry of await readdir(cacheDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const dir = path.join(cacheDir, entry.name);
    const info = await stat(dir).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > OLD_BUILD_MS) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Builds `service` into `outDir`; returns every file the build read. Handing
 * each of the 1,800 files of npm packages to the import.meta plugin costs
 * about 1 s, and none that the services use today mentions import.meta: the
 * plugin sees them only if a chunk built without it does.
 */
async function buildInto(service: ServiceName, outDir: string, npmImportMeta = false): Promise<string[]> {
  // First the service alone, to learn which npm modules it imports (and from where).
  const modules = new Set<string>();
  const scan = await build({ ...common(service), write: false, outdir: outDir, metafile: true, plugins: [npmImports(modules), ownImportMeta(false)] });
  const result = await build({
    ...common(service),
    entryPoints: { server: packageEntry(service), [NPM_ENTRY]: "authbridge-npm-entry" },
    outdir: outDir,
    splitting: true,
    chunkNames: "npm-[hash]",
    outExtension: { ".js": ".mjs" },
    sourcemap: "linked",
    metafile: true,
    // npm packages written as CommonJS call require(): give them Node's, from the bundle's place.
    banner: { js: 'import { createRequire as __authbridgeCreateRequire } from "node:module"; const require = __authbridgeCreateRequire(import.meta.url);' },
    plugins: [npmEntry([...modules].sort()), ownImportMeta(npmImportMeta)],
  });
  // Only server.mjs keeps its map; the npm entry's own output is never run.
  for (const output of Object.keys(result.metafile.outputs)) {
    const file = path.resolve(repoRoot, output);
    const name = path.basename(file);
    if (name.startsWith(`${NPM_ENTRY}.`) || (name.endsWith(".map") && name !== "server.mjs.map")) await rm(file);
    else if (name.endsWith(".mjs") && name !== "server.mjs") {
      const code = await readFile(file, "utf8");
      // The banner's own import.meta.url aside, a chunk that still says import.meta has npm code that needs the plugin.
      if (!npmImportMeta && code.split("import.meta").length > 2) {
        await rm(outDir, { recursive: true, force: true });
        return buildInto(service, outDir, true);
      }
      await writeFile(file, code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, "\n"));
    }
  }
  return [...Object.keys(scan.metafile.inputs), ...Object.keys(result.metafile.inputs)]
    .filter((input) => !input.includes(":"))
    .map((input) => path.resolve(repoRoot, input));
}

/** The folder a service's builds are kept in: inside its own folder, so that Node resolves what stays unbundled from there. */
export function bundleCacheDir(service: ServiceName): string {
  return path.join(path.dirname(packageEntry(service, "package.json")), "node_modules", ".cache", "authbridge-stack");
}

/**
 * Builds `service` (e.g. "auth-service") from its package's "./server" entry
 * point (its TypeScript source under the "source" condition, which `npm start`
 * runs with), or reuses the last build if nothing it was made from changed;
 * returns the file to run.
 *
 * Each build gets a folder of its own, and `current.json` names the one to
 * use: a stack that is running keeps its files while another start builds.
 */
export async function bundleService(service: ServiceName): Promise<string> {
  const cacheDir = bundleCacheDir(service);
  const recordFile = path.join(cacheDir, "current.json");
  // How builds are made is part of what they are made from: this file, esbuild's version, Node's.
  const self = createHash("sha256").update(await readFile(fileURLToPath(import.meta.url))).digest("hex").slice(0, 16);
  const settings = `${self}; esbuild ${esbuildVersion}; node ${process.version}`;
  const record = JSON.parse(await readFile(recordFile, "utf8").catch(() => "null")) as CurrentBuild | null;
  if (record && (await isCurrent(record, settings))) return path.join(cacheDir, record.dir, "server.mjs");

  await mkdir(cacheDir, { recursive: true });
  const startedAt = Date.now();
  const dir = `build-${startedAt.toString(36)}-${process.pid}`;
  const inputs = await buildInto(service, path.join(cacheDir, dir));
  const next: CurrentBuild = { dir, settings, inputs: await fingerprint(inputs, startedAt) };
  const temporary = `${recordFile}.${process.pid}`;
  await writeFile(temporary, JSON.stringify(next));
  await rename(temporary, recordFile);
  await removeOldBuilds(cacheDir, dir);
  return path.join(cacheDir, dir, "server.mjs");
}
