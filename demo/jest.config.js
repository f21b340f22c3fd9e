import { jestConfig } from "../jest.preset.js";

// The end-to-end story drives a real browser against real services.
export default { ...jestConfig(), testTimeout: 180_000 };
