import { defineConfig } from "vitest/config";

// Integration tests start s3rver and bundle the function with esbuild: allow them more than the default 5 s.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
});
