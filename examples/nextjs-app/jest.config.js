import { jestConfig } from "../../jest.preset.js";

// The browser test builds the app, then drives it in Chromium against the real services.
export default { ...jestConfig(), testTimeout: 180_000 };
