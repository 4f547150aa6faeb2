import { defineConfig } from "vitest/config";

// End-to-end tests start the real services and worker processes: generous timeouts, never timing asserts.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000 },
});
