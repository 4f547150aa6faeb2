import { describe, expect, it } from "vitest";
import { DailyStatsEnv } from "../../src/env.js";
import { toEnvironment } from "../../src/environment.js";

describe("toEnvironment", () => {
  it("builds the cloud's environment (RDS endpoint + secret ARN) that the env schema reads back", () => {
    const environment = toEnvironment({
      bucketName: "lambda-lab-prod-images",
      database: {
        host: "lambda-lab-prod.abc.eu-west-1.rds.amazonaws.com",
        port: "5432",
        name: "lab",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
        caBundlePath: "/var/runtime/ca-cert.pem",
      },
      timeZone: "America/New_York",
    });

    expect(DailyStatsEnv.parse({ AWS_REGION: "eu-west-1", ...environment })).toMatchObject({
      BUCKET_NAME: "lambda-lab-prod-images",
      DATABASE_HOST: "lambda-lab-prod.abc.eu-west-1.rds.amazonaws.com",
      DATABASE_PORT: 5432,
      DATABASE_NAME: "lab",
      DATABASE_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
      DATABASE_SSL: "require",
      TIME_ZONE: "America/New_York",
    });
    // Read by Node itself, not the schema: TLS to RDS needs its CA.
    expect(environment.NODE_EXTRA_CA_CERTS).toBe("/var/runtime/ca-cert.pem");
    expect(environment.S3_ENDPOINT).toBeUndefined();
  });

  it("builds the lab's environment (a database URL, the local S3 server)", () => {
    const env = DailyStatsEnv.parse(
      toEnvironment({
        bucketName: "lambda-lab-dev-images",
        s3Endpoint: "http://127.0.0.1:4569",
        database: { url: "postgres://lab:lab@127.0.0.1:5433/lab" },
        timeZone: "Asia/Seoul",
      }),
    );

    expect(env).toMatchObject({
      BUCKET_NAME: "lambda-lab-dev-images",
      S3_ENDPOINT: "http://127.0.0.1:4569",
      DATABASE_URL: "postgres://lab:lab@127.0.0.1:5433/lab",
      TIME_ZONE: "Asia/Seoul",
    });
    expect(env.DATABASE_HOST).toBeUndefined();
  });
});
