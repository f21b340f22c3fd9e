// Shared Jest configuration: ESM mode (jose, Better Auth and Pact are ESM-only),
// TypeScript through SWC (no type checking here: `npm run typecheck` does that),
// and the devstack's test database setup.
export function jestConfig() {
  return {
    testEnvironment: "node",
    extensionsToTreatAsEsm: [".ts"],
    transform: {
      "^.+\\.ts$": [
        "@swc/jest",
        {
          jsc: { parser: { syntax: "typescript" }, target: "es2023", keepClassNames: true },
          module: { type: "es6" },
        },
      ],
    },
    moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
    testMatch: ["<rootDir>/test/**/*.test.ts"],
    globalSetup: "@authbridge/devstack/testing/jest-global-setup",
    globalTeardown: "@authbridge/devstack/testing/jest-global-teardown",
    // "source": workspace packages resolve to their TypeScript sources.
    testEnvironmentOptions: { globalsCleanup: "off", customExportConditions: ["node", "node-addons", "source"] },
    testTimeout: 30_000,
    maxWorkers: 2,
  };
}
