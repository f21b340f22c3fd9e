import { jestConfig } from "../jest.preset.js";

export default { ...jestConfig(), testTimeout: 120_000 };
