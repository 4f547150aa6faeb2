import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FUNCTIONS, scheduleOf } from "@lambda-lab/catalog";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../src/artifacts.js";
import {
  bucketNameOf,
  decodePulumiConfigValues,
  FUNCTION_IDS,
  listStacks,
  parseStackConfig,
  readStackConfigFile,
  requireDeploySecrets,
  SCHEDULED_IDS,
  StackConfigError,
  scheduleKeyOf,
} from "../src/stack-config.js";
import { rawStackConfig } from "./harness.js";

const problemsOf = (stack: string, raw: Record<string, unknown>): string => {
  try {
    parseStackConfig(stack, raw);
  } catch (error) {
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the config to be rejected");
};

describe("the stack files", () => {
  it("differ where dev is cheap and prod is protected", () => {
    const dev = readStackConfigFile("dev", REPO_ROOT);
    const prod = readStackConfigFile("prod", REPO_ROOT);
    expect([dev.network.natStrategy, prod.network.natStrategy]).toEqual(["none", "single"]);
    expect([dev.database.multiAz, prod.database.multiAz]).toEqual([false, true]);
    expect([dev.database.deletionProtection, prod.database.deletionProtection]).toEqual([false, true]);
    expect([dev.database.finalSnapshot, prod.database.finalSnapshot]).toEqual([false, true]);
    expect([dev.forceDestroy, prod.forceDestroy]).toEqual([true, false]);
    expect([dev.protect, prod.protect]).toEqual([false, true]);
    expect(dev.logRetentionDays).toBeLessThan(prod.logRetentionDays);
    expect(dev.database.backupRetentionDays).toBeLessThan(prod.database.backupRetentionDays);
  });

  it("read with the namespace stripped, secrets left opaque, other namespaces ignored", () => {
    const config = parseStackConfig("dev", {
      "aws:region": "eu-west-1",
      "lambda-lab:slackWebhookUrl": { secure: "v1:AAAA" },
      timeZone: "Asia/Seoul",
    });
    expect(config.alerts.slackWebhookUrl).toEqual({ secure: "v1:AAAA" });
    expect(config.timeZone).toBe("Asia/Seoul");
  });

  it("map the Lambda architecture to the artifact folder", () => {
    expect(parseStackConfig("dev", { architecture: "x86_64" }).artifactArch).toBe("x64");
    expect(parseStackConfig("dev", { architecture: "arm64" }).artifactArch).toBe("arm64");
  });

  it("turn variant entries into the transform function's variant list", () => {
    const config = parseStackConfig("dev", { transformVariants: ["thumb:200", "hero:1920"] });
    expect(config.transform.variants).toEqual([
      { name: "thumb", width: 200 },
      { name: "hero", width: 1920 },
    ]);
  });

  it("report a missing stack file by path", () => {
    expect(() => readStackConfigFile("staging", REPO_ROOT)).toThrow(
      /stack "staging".*Pulumi\.staging\.yaml/s,
    );
  });
});

describe("bad configs fail with messages naming the stack and the key", () => {
  it("rejects an unknown key", () => {
    expect(problemsOf("dev", { ...rawStackConfig("dev"), "lambda-lab:transformMemroyMb": 2048 })).toMatch(
      /stack "dev".*lambda-lab:transformMemroyMb: unknown key/s,
    );
  });

  it("rejects negative reserved concurrency", () => {
    expect(
      problemsOf("prod", { ...rawStackConfig("prod"), "lambda-lab:uploadReservedConcurrency": -5 }),
    ).toMatch(/stack "prod".*lambda-lab:uploadReservedConcurrency: .*>=0/s);
  });

  it("rejects reservations that leave fewer than 100 unreserved, naming the numbers", () => {
    const message = problemsOf("prod", {
      ...rawStackConfig("prod"),
      "lambda-lab:transformReservedConcurrency": 900,
    });
    expect(message).toContain("reserved concurrency 960");
    expect(message).toContain("leaves 40 unreserved of lambda-lab:accountConcurrencyLimit=1000");
    expect(message).toContain("at most 900 can be reserved");
    expect(message).toContain("transformReservedConcurrency=900");
  });

  it("accepts a new account's limit of 10 once reservation is off", () => {
    const raw = { ...rawStackConfig("dev"), "lambda-lab:accountConcurrencyLimit": 10 };
    expect(problemsOf("dev", raw)).toMatch(/leaves -10 unreserved.*reservedConcurrencyEnabled=false/s);
    const config = parseStackConfig("dev", { ...raw, "lambda-lab:reservedConcurrencyEnabled": false });
    expect(Object.values(config.functions).map((f) => f.reservedConcurrency)).toEqual(
      FUNCTION_IDS.map(() => undefined),
    );
  });

  it("rejects NAT none when a VPC function has no route to an AWS API it calls", () => {
    const message = problemsOf("dev", { ...rawStackConfig("dev"), "lambda-lab:interfaceEndpoints": [] });
    expect(message).toMatch(
      /orphan-cleanup runs in the VPC and calls secretsmanager, but lambda-lab:natStrategy is "none"/,
    );
    expect(message).toMatch(/daily-stats runs in the VPC/);
  });

  it("rejects NAT none with a private web-app host whose agents cannot reach SSM", () => {
    expect(problemsOf("dev", { ...rawStackConfig("dev"), "lambda-lab:webAppEnabled": true })).toMatch(
      /web-app host .* call ssm, ssmmessages, ec2messages, logs, monitoring/,
    );
  });

  it("names every bad value at once", () => {
    const message = problemsOf("dev", {
      timeZone: "Mars/Olympus",
      logRetentionDays: 8,
      orphanCleanupSchedule: "every night",
      corsAllowedOrigins: ["https://ok.example", "example.com/path"],
      natStrategy: "always",
    });
    expect(message).toContain("lambda-lab:timeZone: is not an IANA time zone");
    expect(message).toContain("lambda-lab:logRetentionDays: must be one of CloudWatch's retention periods");
    expect(message).toContain("lambda-lab:orphanCleanupSchedule: must be");
    expect(message).toContain("lambda-lab:corsAllowedOrigins[1]");
    expect(message).toContain("lambda-lab:natStrategy");
  });

  it("rejects MySQL with PostgreSQL migrations on deploy", () => {
    expect(problemsOf("dev", { databaseEngine: "mysql" })).toMatch(/databaseMigrateOnDeploy=false/);
    expect(
      parseStackConfig("dev", {
        databaseEngine: "mysql",
        databaseEngineVersion: "8.4",
        databaseMigrateOnDeploy: false,
      }).database,
    ).toMatchObject({
      engine: "mysql",
      engineVersion: "8.4",
      port: 3306,
    });
  });
});

describe("deploy secrets", () => {
  it("are required to deploy, with the command that sets them", () => {
    const prod = readStackConfigFile("prod", REPO_ROOT);
    expect(() => requireDeploySecrets(prod)).toThrow(
      /pulumi config set --secret lambda-lab:uploadAuthToken .* --stack prod[\s\S]*lambda-lab:slackWebhookUrl/,
    );
  });

  it("reject a token secret shorter than the upload function accepts", () => {
    const config = parseStackConfig("prod", {
      ...rawStackConfig("prod"),
      "lambda-lab:uploadAuthToken": "short",
      "lambda-lab:slackWebhookUrl": "https://hooks.slack.com/services/x",
    });
    expect(() => requireDeploySecrets(config)).toThrow(/uploadAuthToken must be at least 32 characters/);
  });
});

describe("Pulumi config values", () => {
  it("decode JSON-encoded numbers, booleans and arrays, and keep plain strings", () => {
    expect(
      decodePulumiConfigValues({
        "lambda-lab:logRetentionDays": "7",
        "lambda-lab:protect": "true",
        "lambda-lab:corsAllowedOrigins": '["https://a.example"]',
        "lambda-lab:orphanCleanupSchedule": "cron(30 3 * * ? *)",
      }),
    ).toEqual({
      "lambda-lab:logRetentionDays": 7,
      "lambda-lab:protect": true,
      "lambda-lab:corsAllowedOrigins": ["https://a.example"],
      "lambda-lab:orphanCleanupSchedule": "cron(30 3 * * ? *)",
    });
  });
});

describe("Pulumi.yaml", () => {
  const project = parseYaml(readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
    main: string;
    stackConfigDir: string;
    runtime: { name: string; options: Record<string, unknown> };
    config: Record<string, { type: string; description?: string; secret?: boolean }>;
  };

  it("runs packages/infra with pnpm and reads stacks/", () => {
    expect(project.main).toBe("packages/infra");
    expect(project.stackConfigDir).toBe("stacks");
    expect(project.runtime).toMatchObject({ name: "nodejs", options: { packagemanager: "pnpm" } });
  });
});

describe("the VPC CIDR, bounded by the subnet plan awsx places", () => {
  it.each([
    ["shared", "10.20.0.0/18", "10.20.0.0/19"],
    ["split", "10.20.0.0/17", "10.20.0.0/18"],
  ] as const)("%s: %s fits, %s is refused with the bound", (subnetLayout, fits, tooSmall) => {
    expect(parseStackConfig("dev", { subnetLayout, vpcCidr: fits }).network.vpcCidr).toBe(fits);
    expect(problemsOf("dev", { subnetLayout, vpcCidr: tooSmall })).toContain(
      `lambda-lab:vpcCidr=${tooSmall} is too small for the "${subnetLayout}" subnet layout`,
    );
    expect(problemsOf("dev", { subnetLayout, vpcCidr: tooSmall })).toContain(
      `use /${subnetLayout === "shared" ? 18 : 17} or larger`,
    );
  });

  it("refuses a VPC larger than AWS allows", () => {
    expect(problemsOf("dev", { vpcCidr: "10.0.0.0/15" })).toContain("AWS allows VPCs from /16");
  });
});

describe("engine versions and zero reservations", () => {
  it("refuses a PostgreSQL version for MySQL and the other way round", () => {
    expect(problemsOf("dev", { databaseEngine: "mysql", databaseMigrateOnDeploy: false })).toContain(
      'lambda-lab:databaseEngineVersion="17" is not a mysql version',
    );
    expect(problemsOf("dev", { databaseEngineVersion: "8.4" })).toContain('"8.4" is not a postgres version');
  });

  it("refuses a reservation of 0 unless it is explicitly allowed", () => {
    expect(problemsOf("dev", { transformReservedConcurrency: 0 })).toContain(
      "lambda-lab:transformReservedConcurrency=0 would stop that function from ever running",
    );
    const allowed = parseStackConfig("dev", {
      transformReservedConcurrency: 0,
      reservedConcurrencyZeroAllowed: true,
    });
    expect(allowed.functions.transform.reservedConcurrency).toBe(0);
  });
});

describe("the alerts function's reservation", () => {
  it("must cover its SQS pollers (3 queues × 2) plus one for alarms and logs", () => {
    expect(problemsOf("dev", { alertsReservedConcurrency: 6 })).toContain(
      "lambda-lab:alertsReservedConcurrency=6 is below what its SQS sources can run at once: 3 on-failure queues × 2 pollers + 1 for alarms and logs = 7",
    );
    expect(
      parseStackConfig("dev", { alertsReservedConcurrency: 7 }).functions.alerts.reservedConcurrency,
    ).toBe(7);
  });
});

describe("the function keys, from the catalog", () => {
  it("default each function's memory, timeout, reservation and schedule to its catalog entry", () => {
    const config = parseStackConfig("dev", {});
    for (const id of FUNCTION_IDS) {
      const { memoryMb, timeoutSeconds, reservedConcurrency } = FUNCTIONS[id].defaults;
      expect(config.functions[id], id).toEqual({ memoryMb, timeoutSeconds, reservedConcurrency });
    }
    for (const id of SCHEDULED_IDS) expect(config.schedules[id]).toBe(scheduleOf(id).defaultExpression);
    expect(config.orphanCleanup.schedule).toBe(config.schedules["orphan-cleanup"]);
  });

  it("read a scheduled function's expression from its <camelId>Schedule key", () => {
    expect(parseStackConfig("dev", { dailyStatsSchedule: "rate(1 hour)" }).schedules["daily-stats"]).toBe(
      "rate(1 hour)",
    );
    expect(scheduleKeyOf("orphan-cleanup")).toBe("orphanCleanupSchedule");
  });
});

describe("variants, held to the transform function's own rule", () => {
  // The entry pattern alone let both through; the function then refused them at init, after the deploy.
  it("refuses a width the function would refuse (at most 8192)", () => {
    expect(problemsOf("dev", { transformVariants: ["huge:9000"] })).toContain(
      "lambda-lab:transformVariants: the transform function would refuse it",
    );
    expect(parseStackConfig("dev", { transformVariants: ["huge:8192"] }).transform.variants).toEqual([
      { name: "huge", width: 8192 },
    ]);
  });

  it("refuses two variants of the same name", () => {
    expect(problemsOf("dev", { transformVariants: ["thumb:200", "thumb:400"] })).toContain(
      "variant names must be unique",
    );
  });
});

describe("the list of stacks", () => {
  it("is the stack files in stacks/, so a new stack is one new file", () => {
    expect(listStacks(REPO_ROOT)).toEqual(["dev", "prod"]);
    const root = mkdtempSync(join(tmpdir(), "stacks-"));
    mkdirSync(join(root, "stacks"));
    for (const file of ["Pulumi.staging.yaml", "Pulumi.dev.yaml", "README.md", "Pulumi.yaml"])
      writeFileSync(join(root, "stacks", file), "config: {}\n");
    expect(listStacks(root)).toEqual(["dev", "staging"]);
    expect(readStackConfigFile("staging", root).stack).toBe("staging");
  });
});

describe("the bucket name", () => {
  it("is derived from the stack and the account, and its length bounds the stack name", () => {
    expect(bucketNameOf("dev", "123456789012")).toBe("lambda-lab-dev-images-123456789012");
    const longest = "a".repeat(32);
    expect(parseStackConfig(longest, {}).stack).toBe(longest);
    expect(problemsOf(`${longest}b`, {})).toContain(
      `the bucket name lambda-lab-${longest}b-images-123456789012 has 64 characters, S3 allows 63`,
    );
  });
});
