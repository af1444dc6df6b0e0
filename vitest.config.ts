import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
  },
});
