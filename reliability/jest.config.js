import { jestConfig } from "../jest.preset.js";

// One suite at a time: each starts a fleet of real processes (several services, their
// fronts, a load generator), and two fleets starting at once on a 2-core machine miss
// their start-up deadline.
export default { ...jestConfig(), testTimeout: 120_000, maxWorkers: 1 };
