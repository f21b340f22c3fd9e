import { jestConfig } from "../jest.preset.js";

// service-kit's tests need no database: without the preset's globalSetup, which prepares the test databases.
const { globalSetup: _setup, globalTeardown: _teardown, ...config } = jestConfig();

export default config;
