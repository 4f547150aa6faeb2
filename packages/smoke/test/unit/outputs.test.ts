import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/causes.js";
import { OutputsError, parseOutputs, type RunFile, readPulumiOutputs } from "../../src/outputs.js";

/** What `pulumi stack output --json --show-secrets` prints for a dev stack (every output index.ts exports). */
const stackOutputs = {
  bucketName: "lambda-lab-dev-images",
  uploadApiUrl: "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/",
  functionNames: {
    upload: "lambda-lab-dev-upload",
    transform: "lambda-lab-dev-transform",
    "orphan-cleanup": "lambda-lab-dev-orphan-cleanup",
    "daily-stats": "lambda-lab-dev-daily-stats",
    alerts: "lambda-lab-dev-alerts",
  },
  databaseEndpoint: "lambda-lab-dev.abc.eu-west-1.rds.amazonaws.com:5432",
  databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
  alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:alarms-topic-1a2b3c4",
  vpcId: "vpc-0123456789abcdef0",
  fileSystemId: "fs-0123456789abcdef0",
  reservedConcurrency: { total: 14, unreserved: 986, accountLimit: 1000 },
};

describe("parseOutputs", () => {
  it("reads the outputs the smoke test needs and ignores the rest", () => {
    const outputs = parseOutputs(stackOutputs, "stack dev");
    expect(outputs.functionNames["orphan-cleanup"]).toBe("lambda-lab-dev-orphan-cleanup");
    expect(outputs.uploadTokenParameterName).toBeUndefined();
  });

  it("names a missing output and where it must be exported, never a value", () => {
    const { alertsTopicArn: _, ...rest } = stackOutputs;
    expect(() => parseOutputs({ ...rest, uploadApiUrl: "not a url" }, "stack dev")).toThrow(
      "stack dev: uploadApiUrl: must be the HTTP API's invoke URL (https://…); missing output alertsTopicArn (packages/infra/src/index.ts must export it)",
    );
  });

  it("accepts the Automation API's { value, secret } shape", () => {
    const wrapped = Object.fromEntries(
      Object.entries(stackOutputs).map(([k, v]) => [k, { value: v, secret: k === "databaseSecretArn" }]),
    );
    expect(parseOutputs(wrapped, "f").bucketName).toBe("lambda-lab-dev-images");
  });
});

describe("readPulumiOutputs", () => {
  it("runs pulumi stack output --json --show-secrets for the stack, in the project folder", async () => {
    const calls: { file: string; args: readonly string[]; cwd: string }[] = [];
    const run: RunFile = async (file, args, options) => {
      calls.push({ file, args, cwd: options.cwd });
      return { stdout: JSON.stringify(stackOutputs), stderr: "" };
    };
    const outputs = await readPulumiOutputs("dev", { cwd: "/repo", run });
    expect(outputs.bucketName).toBe("lambda-lab-dev-images");
    expect(calls).toEqual([
      {
        file: "pulumi",
        args: ["stack", "output", "--json", "--show-secrets", "--non-interactive", "--stack", "dev"],
        cwd: "/repo",
      },
    ]);
  });

  it("says to install the CLI or pass --outputs-file when pulumi is not on PATH", async () => {
    const run: RunFile = async () => {
      throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
    };
    await expect(readPulumiOutputs("dev", { cwd: "/", run })).rejects.toMatchObject({
      message: "the pulumi CLI is not on PATH",
      hint: expect.stringContaining("--outputs-file"),
    });
  });

  it("passes on what pulumi said when it fails", async () => {
    const run: RunFile = async () => {
      throw Object.assign(new Error("exit 255"), {
        code: 255,
        stderr: "error: no stack named 'dve' found\n",
      });
    };
    await expect(readPulumiOutputs("dve", { cwd: "/", run })).rejects.toThrow(
      "error: no stack named 'dve' found",
    );
  });

  it("never echoes output that is not JSON (it may hold secrets)", async () => {
    const run: RunFile = async () => ({ stdout: "warning: hunter2-secret-value", stderr: "" });
    const error = await readPulumiOutputs("dev", { cwd: "/", run }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(OutputsError);
    expect((error as Error).message).not.toContain("hunter2");
  });
});

describe("a failed read in the table", () => {
  it("shows what failed and the read's own hint as the cause", async () => {
    const run: RunFile = async () => {
      throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
    };
    const error = await readPulumiOutputs("dev", { cwd: "/", run }).catch((e: unknown) => e);
    expect(diagnose(error, { service: "outputs", resource: "pulumi stack output --stack dev" })).toEqual({
      problem: "the pulumi CLI is not on PATH",
      cause:
        "install it (https://www.pulumi.com/docs/install/) or pass --outputs-file with `pulumi stack output --json` saved elsewhere",
    });
  });
});
