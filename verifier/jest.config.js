import { jestConfig } from "../jest.preset.js";

const config = jestConfig();
// The verifier's tests need no database.
delete config.globalSetup;
delete config.globalTeardown;
export default config;
