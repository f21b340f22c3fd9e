// The page's assets, built once at start: the TypeScript under page/ bundled
// by esbuild (with @authbridge/client from its sources), and the HTML and
// CSS as they are.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface PageAssets {
  html: string;
  css: string;
  js: string;
  sourceMap: string;
}

const pageDir = fileURLToPath(new URL("./page/", import.meta.url));

export async function buildPage(): Promise<PageAssets> {
  const [html, css, bundle] = await Promise.all([
    readFile(`${pageDir}index.html`, "utf8"),
    readFile(`${pageDir}styles.css`, "utf8"),
    build({
      entryPoints: [`${pageDir}main.ts`],
      bundle: true,
      write: false,
      outdir: "/",
      entryNames: "app",
      format: "esm",
      platform: "browser",
      target: "es2022",
      // Workspace packages resolve to their TypeScript sources.
      conditions: ["source"],
      minify: true,
      sourcemap: "linked",
      legalComments: "none",
      logLevel: "silent",
    }),
  ]);
  const output = (suffix: string) => {
    const file = bundle.outputFiles.find((candidate) => candidate.path.endsWith(suffix));
    if (!file) throw new Error(`esbuild produced no ${suffix}`);
    return file.text;
  };
  return { html, css, js: output("app.js"), sourceMap: output("app.js.map") };
}
