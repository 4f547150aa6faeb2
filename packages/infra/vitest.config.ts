import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Loading @pulumi/aws's generated SDK takes seconds on a shared, busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
