import { defineConfig } from "vitest/config";

// Integration tests start a real PostgreSQL (initdb + start takes seconds on a shared 2-core box).
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000 },
});
