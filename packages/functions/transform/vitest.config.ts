import { defineConfig } from "vitest/config";

// Integration tests start a real S3 server and decode real images: give them room on a shared 2-core box.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
});
