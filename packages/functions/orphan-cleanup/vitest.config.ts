import { defineConfig } from "vitest/config";

// Integration tests start PostgreSQL and s3rver; the property test runs many whole cleanups.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
});
