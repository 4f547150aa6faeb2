import { readFileSync } from "node:fs";
import { EnvError } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env.js";

const base = {
  BUCKET_NAME: "lab-images",
  DATABASE_URL: "postgres://lab:lab@127.0.0.1:5432/lab",
  TIME_ZONE: "Asia/Seoul",
};

describe("loadEnv", () => {
  it("requires the time zone, which the stack always sets, so the function has no default of its own", () => {
    const { TIME_ZONE: _unset, ...withoutZone } = base;

    expect(() => loadEnv(withoutZone)).toThrow(/TIME_ZONE: is not set/);
    expect(loadEnv(base)).toMatchObject({ BUCKET_NAME: "lab-images", TIME_ZONE: "Asia/Seoul" });
  });

  it("normalises a zone alias to its canonical name", () => {
    expect(loadEnv({ ...base, TIME_ZONE: "US/Eastern" }).TIME_ZONE).toBe("America/New_York");
  });

  it("refuses a zone that is not an IANA zone, naming the variable", () => {
    expect(() => loadEnv({ ...base, TIME_ZONE: "Asia/Busan" })).toThrow(
      /TIME_ZONE: is not an IANA time zone such as Asia\/Seoul/,
    );
    expect(() => loadEnv({ ...base, TIME_ZONE: "+09:00" })).toThrow(EnvError);
  });

  it("needs the bucket and a way to reach the database", () => {
    expect(() => loadEnv({ DATABASE_URL: base.DATABASE_URL })).toThrow(/BUCKET_NAME: is not set/);
    expect(() => loadEnv({ BUCKET_NAME: "lab-images", TIME_ZONE: "Asia/Seoul" })).toThrow(/DATABASE_URL/);
    expect(
      loadEnv({
        ...base,
        DATABASE_URL: undefined,
        DATABASE_HOST: "db.internal",
        DATABASE_SECRET_ARN: "arn:s",
      }),
    ).toMatchObject({
      DATABASE_PORT: 5432,
      DATABASE_SSL: "require",
    });
  });

  it("refuses an S3_ENDPOINT that is not a URL", () => {
    expect(() => loadEnv({ ...base, S3_ENDPOINT: "localhost:4569" })).toThrow(/S3_ENDPOINT/);
  });

  it("accepts the package's verifyEnv example", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

    expect(loadEnv(pkg.lambda.verifyEnv).TIME_ZONE).toBe("Asia/Seoul");
  });
});
