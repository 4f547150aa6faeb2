import { describe, expect, it } from "vitest";
import { OrphanCleanupEnv } from "../../src/env.js";
import { toEnvironment } from "../../src/environment.js";

const settings = {
  bucketName: "lambda-lab-prod-images",
  stateDir: "/mnt/lab",
  gracePeriodHours: 48,
  maxDeletes: 250,
  dryRun: true,
  timeZone: "Europe/Kyiv",
};

describe("toEnvironment", () => {
  it("builds the cloud's environment (RDS endpoint + secret ARN, EFS) that the env schema reads back", () => {
    const environment = toEnvironment({
      ...settings,
      database: {
        host: "lambda-lab-prod.abc.eu-west-1.rds.amazonaws.com",
        port: "5432",
        name: "lab",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
        caBundlePath: "/var/runtime/ca-cert.pem",
      },
    });

    expect(OrphanCleanupEnv.parse({ AWS_REGION: "eu-west-1", ...environment })).toMatchObject({
      BUCKET_NAME: "lambda-lab-prod-images",
      DATABASE_HOST: "lambda-lab-prod.abc.eu-west-1.rds.amazonaws.com",
      DATABASE_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1",
      STATE_DIR: "/mnt/lab",
      GRACE_PERIOD_HOURS: 48,
      MAX_DELETES: 250,
      DRY_RUN: true,
      TIME_ZONE: "Europe/Kyiv",
      TIME_SAFETY_MARGIN_MS: 60_000,
    });
    expect(environment.TIME_SAFETY_MARGIN_MS).toBeUndefined();
  });

  it("builds the lab's environment (a database URL, local S3, a shorter safety margin)", () => {
    const env = OrphanCleanupEnv.parse(
      toEnvironment({
        ...settings,
        dryRun: false,
        stateDir: "/tmp/lab/efs",
        s3Endpoint: "http://127.0.0.1:4569",
        database: { url: "postgres://lab:lab@127.0.0.1:5433/lab" },
        timeSafetyMarginMs: 6_000,
      }),
    );

    expect(env).toMatchObject({
      S3_ENDPOINT: "http://127.0.0.1:4569",
      DATABASE_URL: "postgres://lab:lab@127.0.0.1:5433/lab",
      STATE_DIR: "/tmp/lab/efs",
      DRY_RUN: false,
      TIME_SAFETY_MARGIN_MS: 6_000,
    });
  });
});
