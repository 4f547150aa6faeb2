import { defineConfig } from "vitest/config";

// The integration test starts the whole local lab (S3, PostgreSQL, five functions in worker processes) and
// runs the smoke test against it: generous timeouts, never timing asserts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The SDK's Node 20 notice on every client is not test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
