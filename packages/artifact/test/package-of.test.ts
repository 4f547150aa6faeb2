import { describe, expect, it } from "vitest";
import { packageOf } from "../bench/package-of.js";

describe("the cold-start bench's package of a bundled file", () => {
  it("names the npm package, scoped or not, past pnpm's store folder", () => {
    expect(packageOf("../../node_modules/.pnpm/pg@8.23.1/node_modules/pg/lib/client.js")).toBe("pg");
    expect(
      packageOf(
        "../../node_modules/.pnpm/@aws-lambda-powertools+logger@2.36.0/node_modules/@aws-lambda-powertools/logger/lib/esm/Logger.js",
      ),
    ).toBe("@aws-lambda-powertools/logger");
  });

  it("names the workspace package of a source, however esbuild wrote the path", () => {
    // esbuild's metafile paths are relative to the bench's package; the baseline's come from git.
    expect(packageOf("../shared/src/s3-rest-object-store.ts")).toBe("shared");
    expect(packageOf("../functions/alerts/src/slack/alarm-message.ts")).toBe("alerts");
    expect(packageOf("/work/main/packages/functions/orphan-cleanup/src/cleanup.ts")).toBe("orphan-cleanup");
    expect(packageOf("packages/db/src/connection.ts")).toBe("db");
  });
});
