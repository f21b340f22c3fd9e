import { jestConfig } from "../jest.preset.js";

export default { ...jestConfig(), testMatch: ["<rootDir>/consumer/**/*.pact.test.ts", "<rootDir>/provider/**/*.pact.test.ts"], maxWorkers: 1, testTimeout: 120_000 };
