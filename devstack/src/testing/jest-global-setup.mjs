// Jest loads globalSetup outside its module system, so the TypeScript setup is
// loaded through tsx here.
import { tsImport } from "tsx/esm/api";

export default async function jestGlobalSetup() {
  const { default: globalSetup } = await tsImport("./global-setup.ts", import.meta.url);
  await globalSetup();
}
