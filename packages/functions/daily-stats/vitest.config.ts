import { defineConfig } from "vitest/config";

// Integration tests start a real PostgreSQL and a real S3 server: give their setup room on a busy machine.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 180_000 },
});
