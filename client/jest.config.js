import { jestConfig } from "../jest.preset.js";

const config = jestConfig();
// One suite at a time: the package test builds, packs and installs the package
// (CPU-bound for most of a minute), which on a 2-core machine would starve the
// service start-up of the suite beside it.
config.maxWorkers = 1;
export default config;
