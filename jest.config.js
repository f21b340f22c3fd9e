// The repository's own tests (test/): what belongs to no workspace, such as
// docker-compose.yml. Each workspace runs its own tests with its own config.
import { jestConfig } from "./jest.preset.js";

// No database: without the preset's globalSetup, which prepares the test databases.
const { globalSetup: _setup, globalTeardown: _teardown, ...config } = jestConfig();

export default { ...config, roots: ["<rootDir>/test"] };
