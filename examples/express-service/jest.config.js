import { jestConfig } from "../../jest.preset.js";

const config = jestConfig();
// The example needs no database: its tests mint tokens with the test issuer.
delete config.globalSetup;
delete config.globalTeardown;
export default config;
